#!/usr/bin/env python3
"""A lean OpenAI-compatible endpoint for throughput benchmarks: asyncio, HTTP/1.1 keep-alive, a
fixed latency per request, a small canned judge answer, and a request counter.

    endpoint.py --port 0 --latency-ms 200 [--max-seconds 900]

Prints `PORT <n>`. POST /stats returns {"requests": n}. Loopback only; standard library only.
"""
import argparse
import asyncio
import json

COUNT = 0


async def handle(reader, writer, latency):
    global COUNT
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:].strip())
            body = await reader.readexactly(length) if length else b""
            if head.startswith(b"POST /stats"):
                payload = json.dumps({"requests": COUNT}).encode()
            else:
                COUNT += 1
                await asyncio.sleep(latency)
                answer = "A" if len(body) % 2 else "B"
                payload = (b'{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"'
                           + answer.encode() + b'"},"finish_reason":"stop"}],"usage":{"prompt_tokens":%d,"completion_tokens":1}}' % (len(body) // 4))
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(payload) + payload)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--latency-ms", type=float, default=200)
    p.add_argument("--max-seconds", type=float, default=900)
    args = p.parse_args()
    server = await asyncio.start_server(lambda r, w: handle(r, w, args.latency_ms / 1000), "127.0.0.1", args.port, backlog=2048)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.wait_for(server.serve_forever(), args.max_seconds) if False else await asyncio.sleep(args.max_seconds)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
