"""Talking to the city's receiver: HTTPS pinned to the certificate of the enrolment, and what a
failure means in plain Chinese (网络不通 / 证书不符 / 市里拒收：…).

Only the enrolment's certificate is trusted (no system authorities) and the host name is checked
against it. The environment's proxy settings are not used: the connection goes straight to the
address the city gave.
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from typing import Any

JOSE = "application/jose"
TIMEOUT = (10.0, 30.0)  # seconds to connect, and for each read or write

# Codes of the receiver's 409 answers, in the clerk's words.
_CONFLICTS = {
    "batch_conflict": "市里已收到同一编号、内容不同的批次",
    "sequence_gap": "市里等的不是这一批（中间缺了批次）",
    "sequence_taken": "市里已收到另一个同序号的批次",
    "chain_broken": "批次与市里收到的上一批接不上（哈希链断开）",
}


class TransportError(Exception):
    """The request did not get an answer. ``handed_over``: the whole request was sent first."""

    def __init__(self, user_message: str, *, handed_over: bool, certificate: bool = False) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.handed_over = handed_over
        self.certificate = certificate


@dataclass(frozen=True)
class Answer:
    status: int
    text: str

    @property
    def ok(self) -> bool:
        return self.status == 200

    def error(self) -> dict[str, Any]:
        try:
            body = json.loads(self.text)
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    def refusal(self) -> str:
        """The answer as one Chinese line for ``last_error`` (not a signed receipt: nothing is final)."""
        body = self.error()
        code, said = str(body.get("error") or ""), str(body.get("user_message") or "")
        if self.status == 409 and code in _CONFLICTS:
            text = _CONFLICTS[code]
            if body.get("expected_sequence") is not None:
                text += f"，市里等的是第 {body['expected_sequence']} 批"
            return f"市里拒收：{text}。{said}请联系市里核对，程序不会自行改号重发。"
        if self.status >= 500:
            return f"市里服务器出错（HTTP {self.status}），稍后自动重试。"
        if said:
            return f"市里拒收：{said}"
        return f"市里拒收：HTTP {self.status}{f'（{code}）' if code else ''}。"


def pinned_context(certificate_pem: str) -> ssl.SSLContext:
    """Trust exactly this certificate; host names are checked."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=certificate_pem)
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def _is_certificate_problem(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(current) or "certificate verify failed" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


class Receiver:
    """One connection to the city for one sync run (``with Receiver(url, pem) as city: …``)."""

    def __init__(self, url: str, certificate_pem: str, *, timeout: tuple[float, float] = TIMEOUT) -> None:
        import httpx  # loaded when the first sync runs, not when the window opens

        self._httpx = httpx
        self._client = httpx.Client(
            base_url=url.rstrip("/"), verify=pinned_context(certificate_pem),
            timeout=httpx.Timeout(timeout[1], connect=timeout[0]),
            trust_env=False, follow_redirects=False,
        )

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def register(self, sealed: str) -> Answer:
        return self._call("POST", "/v1/registrations", content=sealed.encode("ascii"))

    def put_batch(self, batch_id: str, sealed: str) -> Answer:
        return self._call("PUT", f"/v1/batches/{batch_id}", content=sealed.encode("ascii"))

    def catalog(self, after: str | None) -> Answer:
        return self._call("GET", "/v1/catalog", params={"after": after} if after else None)

    def decisions(self, signed_request: str) -> Answer:
        return self._call("POST", "/v1/decisions", content=signed_request.encode("ascii"))

    def _call(self, method: str, path: str, **kwargs: Any) -> Answer:
        headers = {"Content-Type": JOSE} if "content" in kwargs else {}
        headers["Accept"] = f"{JOSE}, application/json"
        httpx = self._httpx
        try:
            response = self._client.request(method, path, headers=headers, **kwargs)
            return Answer(response.status_code, response.text)
        except httpx.ConnectError as exc:
            if _is_certificate_problem(exc):
                raise TransportError(
                    "证书不符：市里服务器的证书与注册文件里的不一致，或地址不对。请联系市里核实，"
                    "必要时重新导入注册文件。", handed_over=False, certificate=True) from None
            raise TransportError("网络不通：连不上市里的服务器，稍后自动重试。", handed_over=False) from None
        except httpx.ConnectTimeout:
            raise TransportError("网络不通：连接市里的服务器超时，稍后自动重试。", handed_over=False) from None
        except (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError):
            raise TransportError("网络中断：批次已发出，但没有收到市里的回执，稍后自动重试。",
                                 handed_over=True) from None
        except httpx.TransportError:
            raise TransportError("网络不通：与市里服务器的连接中断，稍后自动重试。", handed_over=False) from None
