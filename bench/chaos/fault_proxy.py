#!/usr/bin/env python3
"""A userspace TCP fault proxy in front of one sim agent (standard library only).

  fault_proxy.py --listen ADDR:PORT --target ADDR:PORT --control FILE

It forwards bytes both ways (TLS passes through untouched) and reads FILE, a JSON object, every
0.2 s for the faults to apply; a missing or empty file means none:

  delay_ms   each chunk read from either side is held this long before it is written on
             (latency; both directions, so a request/response pays it twice)
  reset      probability (0..1) that a new connection is closed at once, before any byte goes
             through (the closest a TCP proxy comes to loss: the client sees a reset connection);
             connections already open are left alone
  stall      true: nothing is forwarded on any connection, old or new, and nothing is closed
             (a black hole; the client runs into its own timeout)

This machine's kernel has no netem, so latency and loss cannot be put on the veth itself; the
chaos suite uses the kernel (link down, tbf rate limits) where it can and this proxy for the rest.
"""

import argparse
import asyncio
import json
import os
import random
import sys

faults = {}


async def watch_control(path):
    global faults
    last = None
    while True:
        try:
            stamp = os.stat(path).st_mtime_ns
            if stamp != last:
                last = stamp
                with open(path) as control:
                    text = control.read().strip()
                faults = json.loads(text) if text else {}
                print(f"fault_proxy: faults now {faults}", file=sys.stderr, flush=True)
        except FileNotFoundError:
            if last is not None:
                faults, last = {}, None
        except (OSError, ValueError) as error:
            print(f"fault_proxy: control file {path}: {error}", file=sys.stderr, flush=True)
        await asyncio.sleep(0.2)


async def pump(reader, writer):
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            while faults.get("stall"):  # connections opened before the stall go dark too
                await asyncio.sleep(0.2)
            delay = faults.get("delay_ms", 0)
            if delay:
                await asyncio.sleep(delay / 1000)
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            writer.close()
        except (ConnectionError, OSError):
            pass


async def handle(client_reader, client_writer, target):
    if random.random() < faults.get("reset", 0):
        client_writer.transport.abort()
        return
    if faults.get("stall"):
        # Hold the connection open without forwarding until the client gives up.
        while faults.get("stall") and not client_reader.at_eof():
            try:
                await asyncio.wait_for(client_reader.read(65536), timeout=0.5)
            except asyncio.TimeoutError:
                pass
            except (ConnectionError, OSError):
                break
        client_writer.transport.abort()
        return
    try:
        agent_reader, agent_writer = await asyncio.open_connection(*target)
    except OSError:
        client_writer.transport.abort()  # the agent is down: the client sees a reset
        return
    await asyncio.gather(pump(client_reader, agent_writer), pump(agent_reader, client_writer))


def address(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


async def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", type=address, required=True)
    parser.add_argument("--target", type=address, required=True)
    parser.add_argument("--control", required=True)
    args = parser.parse_args()
    server = await asyncio.start_server(lambda r, w: handle(r, w, args.target), *args.listen,
                                        reuse_address=True)
    print(f"fault_proxy: {args.listen} -> {args.target}", file=sys.stderr, flush=True)
    asyncio.ensure_future(watch_control(args.control))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
