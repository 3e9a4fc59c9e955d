#!/usr/bin/env python3
"""The tls13-pha demo target: TLS 1.3 post-handshake client authentication (RFC 8446 section 4.6.2).

Node's tls module has no API for post-handshake authentication, so this one target runs on Python's
ssl module, which wraps the same OpenSSL: SSLContext.post_handshake_auth and
SSLSocket.verify_client_post_handshake(). server/demo/start.ts starts it as a child process:

    python3 server/demo/tls13_pha.py --cert CHAIN.pem --key KEY.pem --ca CLIENT_CA.pem \
        --host 127.0.0.1 --port 0 --name tls13-pha

It prints one JSON line {"port": N} on stdout once listening, and exits when its stdin closes (so it
never outlives the Node process that started it).

Behaviour, like Apache mod_ssl with "SSLVerifyClient require" in a <Location>: a request under
/secure asks the client for a certificate after the handshake if the client sent the
post_handshake_auth extension, and answers 403 without asking if it did not.
"""

import argparse
import json
import os
import select
import socket
import socketserver
import ssl
import sys
import threading
import time

PROTECTED_PREFIX = "/secure"
MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1 << 20
IDLE_TIMEOUT_S = 30.0
PHA_TIMEOUT_S = 20.0


class ClientGone(Exception):
    pass


def is_protected(path):
    path = path.split("?", 1)[0]
    return path == PROTECTED_PREFIX or path.startswith(PROTECTED_PREFIX + "/")


def on_tls_message(conn, direction, _version, content_type, msg_type, _data):
    # OpenSSL's message callback sees every handshake message after decryption. The client's
    # Finished closes its answer to our post-handshake CertificateRequest (RFC 8446 section 4.4.4);
    # only then is the certificate question settled (an empty Certificate changes nothing visible).
    if (
        direction == "read"
        and content_type == ssl._TLSContentType.HANDSHAKE
        and msg_type == ssl._TLSMessageType.FINISHED
        and getattr(conn, "pha_awaiting_finished", False)
    ):
        conn.pha_awaiting_finished = False


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_cert_chain(args.cert, args.key)
    ctx.load_verify_locations(args.ca)
    # CERT_OPTIONAL + post_handshake_auth: OpenSSL sets SSL_VERIFY_POST_HANDSHAKE, so the initial
    # handshake carries no CertificateRequest; an empty Certificate later is allowed (-> 403.7).
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.post_handshake_auth = True
    ctx.set_alpn_protocols(["http/1.1"])
    # The message callback (a private but long-standing hook, Python 3.8+) is the only way Python
    # lets us see when the client's post-handshake Finished has been processed.
    if not hasattr(ctx, "_msg_callback") or not hasattr(ssl, "_TLSMessageType"):
        sys.exit("tls13_pha.py: this Python's ssl module has no TLS message callback (need CPython 3.8+)")
    ctx._msg_callback = on_tls_message
    return ctx


def recv_some(conn, deadline):
    """Blocking read of application data with an overall deadline."""
    while True:
        try:
            data = conn.recv(65536)
            if not data:
                raise ClientGone()
            return data
        except ssl.SSLWantReadError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ClientGone()
            select.select([conn], [], [], remaining)


def read_request(conn, buffered):
    """Returns (method, path, headers, body, leftover) or raises ClientGone."""
    deadline = time.monotonic() + IDLE_TIMEOUT_S
    while b"\r\n\r\n" not in buffered:
        if len(buffered) > MAX_HEADER_BYTES:
            raise ClientGone()
        buffered += recv_some(conn, deadline)
    head, rest = buffered.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise ClientGone()
    method, path, _http_version = parts
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return method, path, headers, None, rest
    length = int(headers.get("content-length", "0") or "0")
    if length > MAX_BODY_BYTES:
        return method, path, headers, None, rest
    while len(rest) < length:
        rest += recv_some(conn, deadline)
    return method, path, headers, rest[:length], rest[length:]


def send_response(conn, status, reason, lines, close=False):
    body = ("\n".join(lines) + "\n").encode("utf-8")
    head = [
        "HTTP/1.1 %d %s" % (status, reason),
        "content-type: text/plain; charset=utf-8",
        "content-length: %d" % len(body),
        "cache-control: no-store",
    ]
    if close:
        head.append("connection: close")
    data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
    while data:
        try:
            sent = conn.send(data)
            data = data[sent:]
        except ssl.SSLWantWriteError:
            select.select([], [conn], [], IDLE_TIMEOUT_S)
        except ssl.SSLWantReadError:
            select.select([conn], [], [], IDLE_TIMEOUT_S)


def describe_peer(conn):
    cert = conn.getpeercert()
    if not cert:
        return []
    def dn(name):
        return ", ".join("%s=%s" % (k, v) for rdn in name for (k, v) in rdn)
    return [
        "subject: " + dn(cert.get("subject", ())),
        "issuer: " + dn(cert.get("issuer", ())),
        "serial: " + str(cert.get("serialNumber")),
        "valid: %s ... %s" % (cert.get("notBefore"), cert.get("notAfter")),
    ]


def common_name(conn):
    cert = conn.getpeercert() or {}
    for rdn in cert.get("subject", ()):
        for k, v in rdn:
            if k == "commonName":
                return v
    return "client"


def post_handshake_authenticate(conn):
    """RFC 8446 section 4.6.2. Returns 'not-offered', 'certificate' or 'empty'; raises ClientGone."""
    try:
        conn.verify_client_post_handshake()
    except ssl.SSLError as e:
        if e.reason == "EXTENSION_NOT_RECEIVED":
            return "not-offered"
        raise
    conn.pha_awaiting_finished = True
    deadline = time.monotonic() + PHA_TIMEOUT_S
    # SSL_do_handshake writes the CertificateRequest; the client's Certificate, CertificateVerify and
    # Finished are then processed by SSL_read as post-handshake messages.
    conn.do_handshake()
    while conn.pha_awaiting_finished:
        try:
            data = conn.recv(65536)
            if not data:
                raise ClientGone()
            conn.pending_request_bytes += data
        except ssl.SSLWantReadError:
            # Everything received so far is processed; the Finished may have been in it.
            if not conn.pha_awaiting_finished:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ClientGone()
            select.select([conn], [], [], remaining)
    return "certificate" if conn.getpeercert(binary_form=True) else "empty"


def make_handler(ctx, target_name):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            raw = self.request
            raw.settimeout(IDLE_TIMEOUT_S)
            try:
                conn = ctx.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                return
            conn.setblocking(False)
            conn.pending_request_bytes = b""
            conn.pha_awaiting_finished = False
            try:
                self.serve(conn)
            except (ClientGone, ssl.SSLError, OSError, ValueError):
                pass
            finally:
                try:
                    # Send close_notify (RFC 8446 section 6.1); the peer's own is not waited for.
                    conn.unwrap()
                except (ssl.SSLError, OSError, ValueError):
                    pass
                try:
                    conn.close()
                except OSError:
                    pass

        def serve(self, conn):
            authenticated = False
            while True:
                method, path, headers, body, rest = read_request(conn, conn.pending_request_bytes)
                conn.pending_request_bytes = rest
                tls_line = "tls: %s %s" % (conn.version(), conn.cipher()[0])
                close = headers.get("connection", "").lower() == "close"
                if body is None:
                    send_response(conn, 413, "Request Entity Too Large", ["413 Request Entity Too Large"], close=True)
                    return
                if not is_protected(path):
                    send_response(conn, 200, "OK", [
                        "200 OK: TLS 1.3 post-handshake client authentication",
                        "target: " + target_name,
                        "%s %s (%d body bytes)" % (method, path, len(body)),
                        tls_line,
                        "",
                        "GET /secure/ to be asked for a client certificate after the handshake.",
                    ], close=close)
                elif authenticated:
                    send_response(conn, 200, "OK", [
                        "200 OK: hello %s, your client certificate was accepted" % common_name(conn),
                        "target: " + target_name,
                        "%s %s (%d body bytes)" % (method, path, len(body)),
                    ] + describe_peer(conn) + [tls_line], close=close)
                else:
                    outcome = post_handshake_authenticate(conn)
                    if outcome == "not-offered":
                        send_response(conn, 403, "Forbidden", [
                            "403 Forbidden: this path needs a client certificate, and your client did not offer",
                            "post-handshake authentication (no post_handshake_auth extension in its ClientHello),",
                            "so the server cannot ask for one on this TLS 1.3 connection.",
                            "target: " + target_name,
                            tls_line,
                        ], close=close)
                    elif outcome == "empty":
                        send_response(conn, 403, "Forbidden", [
                            "403.7 Forbidden: client certificate required",
                            "target: " + target_name,
                            tls_line,
                        ], close=close)
                    else:
                        authenticated = True
                        send_response(conn, 200, "OK", [
                            "200 OK: hello %s, your client certificate was accepted" % common_name(conn),
                            "target: " + target_name,
                            "%s %s (%d body bytes)" % (method, path, len(body)),
                        ] + describe_peer(conn) + [tls_line], close=close)
                if close:
                    return

    return Handler


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def exit_when_parent_goes():
    # The parent holds our stdin; EOF means it exited or closed us.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--name", default="tls13-pha")
    args = parser.parse_args()
    ctx = make_context(args)
    Server.address_family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    server = Server((args.host, args.port), make_handler(ctx, args.name))
    threading.Thread(target=exit_when_parent_goes, daemon=True).start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
