"""The faults as the index makes them: how a queued `Fault` turns into an answer, a silence, a cut connection or a
hostile page, for reads (GET) and for uploads (POST)."""

from __future__ import annotations

import base64
import functools
import gzip
import json
import time

from devtools.warehouse.base import Exchange
from devtools.warehouse.faults import HOSTILE_PAGES, Fault, FaultKind


@functools.cache
def _gzip_bomb() -> bytes:
    """100 MiB of JSON whitespace in about 100 KiB of gzip, made once."""
    return gzip.compress(b'{"files": [' + b" " * (100 * 2**20) + b"]}", compresslevel=1)


class FaultyAnswers(Exchange):
    def _read_fault(self, fault: Fault | None) -> bool:
        """Make a read's fault instead of answering it; False when the read is to be answered as usual."""
        if fault is None:
            return False
        if fault.kind is FaultKind.STATUS:
            self._send(fault.status_code, b"Injected failure", headers=fault.headers)
        elif fault.kind is FaultKind.STALL:  # a silent index: it never answers
            time.sleep(fault.seconds)
            self.close_connection = True
        elif fault.kind is FaultKind.SLOW_HEAD:  # the status line and headers, a byte at a time
            self._slow_head(fault.seconds)
        elif fault.kind in HOSTILE_PAGES:
            self._hostile_page(fault)
        else:
            return False
        return True

    def _slow_head(self, seconds: float) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Padding: " + b"x" * 4000 + b"\r\n\r\n"
        started = time.monotonic()
        try:
            for byte in head:
                if time.monotonic() - started > seconds:
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client gave up, as it should
            pass
        self.close_connection = True

    def _hostile_page(self, fault: Fault) -> None:
        """A project page that never ends, arrives a byte at a time, or inflates a thousandfold."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        if fault.kind is FaultKind.GZIP_BOMB:
            body = _gzip_bomb()
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_header("Content-Length", str(10**12))
        self.end_headers()
        started = time.monotonic()
        try:
            self.wfile.write(b'{"files": [')
            while time.monotonic() - started < fault.seconds:
                if fault.kind is FaultKind.ENDLESS:
                    self.wfile.write(b'{"filename": "x.whl"}, ' * 4096)
                else:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
        except OSError:  # the client gave up, as it should
            pass

    def _read_body(self, fault: Fault | None, length: int) -> bytes | None:
        """An upload's body, read as the fault says (slowly, or cut off by a reset: None)."""
        if fault is not None and fault.kind is FaultKind.RESET:
            self.rfile.read(min(length, 4096))
            self._reset()
            return None
        if fault is not None and fault.kind is FaultKind.SLOW_READ:  # a slow network: the body arrives over `seconds`
            self.server.state.reading.set()
            parts, step = [], max(1, length // 40)
            while len(parts) * step < length:
                parts.append(self.rfile.read(min(step, length - len(parts) * step)))
                time.sleep(fault.seconds / 40)
            return b"".join(parts)
        return self.rfile.read(length)

    def _upload_fault(self, fault: Fault) -> bool:
        """Answer with the fault instead of storing; False for faults that happen after the file is stored."""
        kind = fault.kind
        if kind is FaultKind.STATUS:
            body = json.dumps({"message": f"Injected {fault.status_code}", "code": str(fault.status_code)}).encode()
            self._send(fault.status_code, body, "application/json", headers=fault.headers)
        elif kind is FaultKind.ECHO_AUTH:  # a careless server that repeats the credentials in its error
            credentials = base64.b64decode(self.headers.get("Authorization", " ").split(" ", 1)[1] or b"").decode()
            body = json.dumps({"message": f"Bad request from {credentials}; tokens look like pypi-AgEIcHlwaS5vcmcXYZ"})
            self._send(400, body.encode(), "application/json")
        elif kind is FaultKind.ECHO_HEADER:  # a proxy that repeats the request's headers, Basic credentials included
            body = json.dumps({"message": f"Rejected: Authorization: {self.headers.get('Authorization')}"})
            self._send(400, body.encode(), "application/json")
        elif kind is FaultKind.ECHO_AT_CUT:  # the password where a message is cut short (500 characters)
            body = json.dumps({"message": "x" * 490 + " " + self._password() + " tail"})
            self._send(400, body.encode(), "application/json")
        elif kind is FaultKind.ESCAPES:  # a hostile answer: cursor moves, a forged line, a clipboard write (OSC 52)
            message = "nope\x1b[2K\r\x1b[32mdist/evil.whl ... success\x1b[0m\x1b]52;c;ZXZpbA==\x07"
            self._send(400, json.dumps({"message": message}).encode(), "application/json")
        elif kind is FaultKind.ECHO_ESCAPED:  # the password echoed JSON-escaped and as HTML entities, in the raw body
            password = self._password()
            escaped = "".join(f"\\u{ord(char):04x}" for char in password)
            entities = "".join(f"&#{ord(char)};" for char in password)
            hexadecimal = "".join(f"&#x{ord(char):X};" for char in password)
            body = f'{{"message": "Rejected {escaped}", "detail": "{entities} {hexadecimal}"}}'
            self._send(400, body.encode(), "application/json")
        elif kind is FaultKind.ECHO_PROXY:  # a proxy that repeats what it was sent, its own credentials included
            sent = self.headers.get("Proxy-Authorization", "")
            decoded = base64.b64decode(sent.split(" ", 1)[1]).decode() if " " in sent else ""
            body = json.dumps({"message": f"Proxy saw Proxy-Authorization: {sent} ({decoded})"})
            self._send(400, body.encode(), "application/json")
        elif kind is FaultKind.FORGED_LINES:  # a message whose line breaks would start lines that look like ours
            message = "Bad upload\ndist/evil.whl ... success\u2028Uploading done\u2029::warning::forged\r\x85end"
            self._send(400, json.dumps({"message": message}).encode(), "application/json")
        elif kind is FaultKind.ACCEPT_NO_STORE:  # a broken index or proxy: 200, and the file is not kept
            self._send(200, b"OK")
        elif kind is FaultKind.SIGN_IN:  # a single-sign-on proxy: its login page, with 200
            page = b'<html><title>Sign in</title><form method="post"><input type="password" name="pw"></form></html>'
            self._send(200, page, "text/html; charset=utf-8")
        elif kind is FaultKind.NO_CONTENT:
            self._send(204)
        elif kind is FaultKind.LOGIN_REDIRECT:
            self._send(302, b"", headers={"Location": "/login?next=/legacy/"})
        elif kind is FaultKind.STALL:  # a silent index: it never answers, nor stores
            time.sleep(fault.seconds)
            self.close_connection = True
        elif kind is FaultKind.DIE:  # the index goes away: this upload cut off, every later connection refused
            self.server.shutdown()
            self.server.socket.close()
            self._reset()
        else:
            return False
        return True

    def _password(self) -> str:
        """The password of the request's Basic credentials."""
        _, _, password = (
            base64.b64decode(self.headers.get("Authorization", " ").split(" ", 1)[1]).decode().partition(":")
        )
        return password
