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

# What git sees now: names and states of changed and untracked files plus the tracked diff, so a
# stage that rewrites a tracked file (or leaves a new unignored one) fails the "clean tree" stage.
tree_state() {
	{ git status --porcelain=v1 --untracked-files=all; git diff --binary; } | sha256sum
}
tree_before=$(tree_state)

# Passes when the tree is as it was before the suite; otherwise names what changed.
tree_unchanged() {
	if [ "$(tree_state)" = "$tree_before" ]; then return 0; fi
	echo "The test run changed the git tree (tests must not rewrite tracked files or leave unignored ones):"
	git status --short --untracked-files=all
	return 1
}

node scripts/bootstrap.cjs || exit 1

# On a machine without the n8n installs (a CI machine: 3 to 13 minutes each), they start now in the
# background, one at a time in the order the e2e stages need them, so they overlap the stages
# before e2e instead of adding to the run. An e2e stage whose target is still installing waits
# for that install's lock (ensure-n8n.ts) rather than installing again; a failed install here is
# retried by its stage, which then reports it.
( for target in default latest 1x; do npx tsx scripts/n8n/ensure-n8n.ts "$target" || true; done ) >"${results_dir}/n8n-installs.log" 2>&1 &
n8n_installs=$!
stage "typecheck" npm run --silent typecheck
stage "lint" npm run --silent lint
stage "build" npm run --silent build
stage "scan" npm run --silent scan
# Before the emulator stage: its fidelity test runs the official Python client on Debian's packages.
stage "system packages" bash scripts/ensure-system-packages.sh
stage "unit" jest_stage unit
stage "emulator" jest_stage emulator
stage "integration" jest_stage integration
stage "faults" jest_stage faults
stage "e2e (n8n 2.8.4, Node 20)" jest_stage e2e --runInBand
stage "e2e-latest (n8n 2.41.3, Node 24)" env VIEWCOMFY_RESULTS_DIR="$results_dir" npm run --silent test:latest
stage "e2e-1x (n8n 1.123.81, Node 20)" env VIEWCOMFY_RESULTS_DIR="$results_dir" npm run --silent test:1x
# The e2e scenarios whose outputs are checked byte for byte as n8n stored them, again with n8n
# keeping binary data in its database (N8N_DEFAULT_BINARY_DATA_MODE=database, which n8n 3.0 keeps).
# The other targets run the two that cover most: several outputs of one process (streamed, then
# whole), an input file read from the database, a running `n8n start`.
db_binary_tests=(test/e2e/text-to-image.test.ts test/e2e/streaming-logs.test.ts test/e2e/image-to-image-files.test.ts test/e2e/scheduled-batch.test.ts)
stage "e2e-database (n8n 2.8.4, Node 20, binary data in the database)" env VIEWCOMFY_E2E_BINARY_MODE=database npx jest --selectProjects e2e --runInBand --json --outputFile="${results_dir}/e2e-database.json" "${db_binary_tests[@]}"
stage "e2e-latest-database (latest target, Node 24, binary data in the database)" env VIEWCOMFY_RESULTS_DIR="$results_dir" VIEWCOMFY_E2E_BINARY_MODE=database npm run --silent test:latest -- "${db_binary_tests[@]:2}"
stage "e2e-1x-database (n8n 1.123.81, Node 20, binary data in the database)" env VIEWCOMFY_RESULTS_DIR="$results_dir" VIEWCOMFY_E2E_BINARY_MODE=database npm run --silent test:1x -- "${db_binary_tests[@]:2}"
stage "scale (queue mode)" npm run --silent test:scale -- --json "${results_dir}/scale.json"
stage "batch of 1,000 (n8n latest)" npm run --silent test:batch -- --json "${results_dir}/batch-1000.json"
stage "bench --quick" npm run --silent bench -- --quick
wait "$n8n_installs"
stage "clean tree" tree_unchanged

echo
echo "=== stage timings"
printf '  %s\n' "${timings[@]}"
node scripts/summarize-tests.cjs "$results_dir" "${failed_stages[@]}"
