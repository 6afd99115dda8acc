"""drand relays over HTTP, with httpx: the adapter behind ``drand_relay.RelayTransport``."""

from __future__ import annotations

import httpx

from services.drand_relay import RelayAnswer, TransportFailed


class HttpxRelayTransport:
    """``GET`` with redirects followed, asking for JSON; no answer becomes ``TransportFailed``."""

    async def get(self, url: str, limit_seconds: float) -> RelayAnswer:
        """One request with its own client (relays are asked a few times per draw at most)."""
        try:
            async with httpx.AsyncClient(timeout=limit_seconds, follow_redirects=True,
                                         headers={"Accept": "application/json",
                                                  "User-Agent": "jointcheck"}) as client:
                response = await client.get(url)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            detail = str(exc).strip()
            raise TransportFailed(
                f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
            ) from exc
        return RelayAnswer(response.status_code, response.text)
