#!/usr/bin/env bash
# The whole test suite from a clean clone: installs what it needs, then runs every layer and
# ends with one "N passed, N failed" line summed over all of them.
set -uo pipefail
cd "$(dirname "$0")/.."

results_dir=$(mktemp -d)
failed_stages=()
declare -a timings

stage() {
	local name=$1
	shift
	echo
	echo "=== ${name}"
	local start=$SECONDS
	if "$@"; then
		timings+=("${name}: $((SECONDS - start)) s")
	else
		timings+=("${name}: $((SECONDS - start)) s (FAILED)")
		failed_stages+=("${1}:${name}")
	fi
}

# A jest layer writes its own report; the summary counts its tests from there.
jest_stage() {
	local project=$1
	shift
	npx jest --selectProjects "$project" --json --outputFile="${results_dir}/${project}.json" "$@"
}

node scripts/bootstrap.cjs || exit 1
stage "typecheck" npm run --silent typecheck
stage "lint" npm run --silent lint
stage "build" npm run --silent build
# Before the emulator stage: its fidelity test runs the official Python client on Debian's packages.
stage "system packages" bash scripts/ensure-system-packages.sh
stage "unit" jest_stage unit
stage "emulator" jest_stage emulator
stage "integration" jest_stage integration
stage "faults" jest_stage faults
stage "e2e (n8n 2.8.4, Node 20)" jest_stage e2e --runInBand
stage "e2e-latest (n8n 2.40.7, Node 24)" env VIEWCOMFY_RESULTS_DIR="$results_dir" npm run --silent test:latest
stage "scale (queue mode)" npm run --silent test:scale -- --json "${results_dir}/scale.json"
stage "bench --quick" npm run --silent bench -- --quick

echo
echo "=== stage timings"
printf '  %s\n' "${timings[@]}"
node scripts/summarize-tests.cjs "$results_dir" "${failed_stages[@]}"
