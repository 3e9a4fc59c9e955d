#!/usr/bin/env python3
"""A TLS 1.3 client for the tls13-pha tests: Python's ssl (OpenSSL) with or without post_handshake_auth.

Usage: pha_client.py PORT PATH --ca CA.pem [--pha] [--cert C.pem --key K.pem] [--servername NAME]
Prints one JSON object: {"status": int, "body": str, "version": str} or {"error": str}.
"""
import argparse
import json
import socket
import ssl

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("path")
parser.add_argument("--ca", required=True)
parser.add_argument("--pha", action="store_true")
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--servername", default="tls13-pha.test")
args = parser.parse_args()

ctx = ssl.create_default_context(cafile=args.ca)
ctx.post_handshake_auth = args.pha
if args.cert:
    ctx.load_cert_chain(args.cert, args.key)
try:
    with socket.create_connection(("127.0.0.1", args.port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=args.servername) as s:
            request = "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (args.path, args.servername)
            s.sendall(request.encode("latin-1"))
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            print(json.dumps({"status": status, "body": body.decode("utf-8"), "version": s.version()}))
except (ssl.SSLError, OSError, ValueError, IndexError) as e:
    print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
