#!/usr/bin/python3
"""A real SMTP server for tests (Debian's python3-aiosmtpd): every accepted message goes to
FOLDER as NAME.eml, its first line the envelope as JSON. Recipients starting with "tempfail"
get 451, with "reject" 550. No TLS context, so STARTTLS is not offered.

usage: smtp_sink.py FOLDER [--port N]   (writes the port to FOLDER/port when listening)
"""
import argparse
import json
import os
import socket
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("tempfail"):
            return "451 4.3.0 mailbox busy, try later"
        if address.startswith("reject"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = "%d-%d-%d" % (time.time_ns(), os.getpid(), self.count)
        tmp = os.path.join(self.folder, name + ".tmp")
        with open(tmp, "wb") as f:
            head = {"from": envelope.mail_from, "to": envelope.rcpt_tos}
            f.write(json.dumps(head).encode() + b"\n")
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.folder, name + ".eml"))
        return "250 2.0.0 accepted"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve(controller, folder, port):
    """Starts `controller`, announces `port` in FOLDER/port (atomically), runs until killed."""
    controller.start()
    with open(os.path.join(folder, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    port = args.port or free_port()
    serve(Controller(Sink(args.folder), hostname="127.0.0.1", port=port), args.folder, port)


if __name__ == "__main__":
    main()
