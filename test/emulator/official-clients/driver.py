"""
Runs ViewComfy's official Python hosted client (cloud-public ViewComfy_API/Python/api.py), unchanged,
against an emulator: one command per call, its result printed as one `RESULT <json>` line.

    python3 driver.py <dir holding api.py> <emulator origin> <command> [args]

Commands: infer <params json> | info <prompt_id> | cancel <prompt_id> | with_logs <params json> [<file key> <file path>]
The client hard-codes API_URL as a module global that its functions read at call time; the only
substitution is setting that global to the emulator's origin after import (the client's file is not edited).
"""
import asyncio
import json
import sys

import httpx

clients_dir, origin, command, *args = sys.argv[1:]
sys.path.insert(0, clients_dir)
import api  # noqa: E402  (the official client)

api.API_URL = origin
CLIENT_ID = "test-id"
CLIENT_SECRET = "test-secret-value-123"
DEPLOYMENT = "https://team--viewcomfy-deployment.modal.run"


def outputs_of(result):
    return [
        {"filename": o.filename, "content_type": o.content_type, "size": o.size, "filepath": o.filepath}
        for o in result.outputs
    ]


async def download(outputs):
    # As the client's main.py does: a plain GET on each filepath.
    files = []
    async with httpx.AsyncClient() as client:
        for output in outputs:
            response = await client.get(output["filepath"])
            response.raise_for_status()
            files.append({"filename": output["filename"], "bytes": len(response.content), "head": response.content[:8].hex()})
    return files


async def main():
    if command == "infer":
        scheduled = await api.infer(
            params=json.loads(args[0]), view_comfy_api_url=DEPLOYMENT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        return {"prompt_id": scheduled.prompt_id, "message": scheduled.message, "workflow_nodes": len(scheduled.workflow)}
    if command == "info":
        results = await api.infer_info(
            prompt_ids=[args[0]], view_comfy_api_url=DEPLOYMENT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        out = []
        for r in results:
            outputs = outputs_of(r)
            out.append({
                "prompt_id": r.prompt_id, "status": r.status, "completed": r.completed,
                "execution_time_seconds": r.execution_time_seconds, "error_data": r.error_data,
                "outputs": outputs, "files": await download(outputs) if r.status == "success" else [],
            })
        return out
    if command == "cancel":
        return await api.infer_cancel(
            prompt_id=args[0], view_comfy_api_url=DEPLOYMENT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
    if command == "with_logs":
        params = json.loads(args[0])
        if len(args) > 2:
            params[args[1]] = open(args[2], "rb")
        result = await api.infer_with_logs(
            params=params, view_comfy_api_url=DEPLOYMENT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        if result is None:
            return None
        outputs = outputs_of(result)
        return {
            "prompt_id": result.prompt_id, "status": result.status, "completed": result.completed,
            "error_data": result.error_data, "outputs": outputs, "files": await download(outputs),
        }
    raise SystemExit(f"unknown command {command}")


print("\nRESULT " + json.dumps(asyncio.run(main())), flush=True)
