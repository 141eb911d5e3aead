#!/usr/bin/python3
"""smtp_sink.py with STARTTLS: the same Sink (FOLDER/*.eml, tempfail/reject recipients), but the
server offers STARTTLS with CERT/KEY and refuses MAIL before it (require_starttls), so a message
that arrives was sent over TLS.

usage: smtp_tls_sink.py FOLDER CERT KEY   (writes the port to FOLDER/port when listening)
"""
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aiosmtpd.controller import Controller  # noqa: E402
from smtp_sink import Sink, free_port, serve  # noqa: E402


def main():
    folder, cert, key = sys.argv[1:4]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    port = free_port()
    serve(Controller(Sink(folder), hostname="127.0.0.1", port=port, tls_context=context,
                     require_starttls=True), folder, port)


if __name__ == "__main__":
    main()
