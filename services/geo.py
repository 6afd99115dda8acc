"""Coordinates: great-circle distance and the datums of Chinese maps (WGS-84, GCJ-02, BD-09).

Subjects and offices are stored in WGS-84 (what GPS and Telegram's venues use). Amap (高德)
works in GCJ-02 (国测局, the "offset" datum), Baidu Maps in BD-09 (Baidu's further offset of
GCJ-02), so a navigation link converts first. The forward formulas are the published ones
(Krasovsky ellipsoid a = 6378245, e² = 0.00669342162296594323); the inverses have no closed
form and are found by fixed-point iteration to below 1e-9 degrees. Outside mainland China
GCJ-02 equals WGS-84 (the offset applies only inside the country's bounding box).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG), for great-circle distances
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_BD_PI = math.pi * 3000.0 / 180.0
_INVERSE_TOLERANCE = 1e-10
_INVERSE_STEPS = 50


@dataclass(frozen=True)
class Point:
    """A latitude and longitude in degrees (WGS-84 unless a function says otherwise)."""

    lat: float
    lon: float


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance in kilometres (haversine on the mean Earth radius)."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlmb = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def out_of_china(p: Point) -> bool:
    """Outside the bounding box where GCJ-02 applies (the published box of the algorithm)."""
    return not (72.004 <= p.lon <= 137.8347 and 0.8293 <= p.lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    return ret


def wgs84_to_gcj02(p: Point) -> Point:
    """WGS-84 → GCJ-02 (Amap, Tencent); unchanged outside China."""
    if out_of_china(p):
        return p
    dlat = _transform_lat(p.lon - 105.0, p.lat - 35.0)
    dlon = _transform_lon(p.lon - 105.0, p.lat - 35.0)
    radlat = p.lat / 180.0 * math.pi
    magic = 1 - _KRASOVSKY_EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_KRASOVSKY_A / sqrtmagic * math.cos(radlat) * math.pi)
    return Point(p.lat + dlat, p.lon + dlon)


def gcj02_to_bd09(p: Point) -> Point:
    """GCJ-02 → BD-09 (Baidu)."""
    x, y = p.lon, p.lat
    z = math.sqrt(x * x + y * y) + 0.00002 * math.sin(y * _BD_PI)
    theta = math.atan2(y, x) + 0.000003 * math.cos(x * _BD_PI)
    return Point(z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065)


def _invert(forward: Callable[[Point], Point], target: Point, start: Point | None = None
            ) -> Point:
    """The point whose ``forward`` image is ``target``: fixed-point iteration.

    The offsets vary slowly (a few hundred metres over tens of kilometres), so subtracting the
    residual converges in a handful of steps.
    """
    guess = start or target
    for _ in range(_INVERSE_STEPS):
        image = forward(guess)
        dlat, dlon = image.lat - target.lat, image.lon - target.lon
        if abs(dlat) < _INVERSE_TOLERANCE and abs(dlon) < _INVERSE_TOLERANCE:
            break
        guess = Point(guess.lat - dlat, guess.lon - dlon)
    return guess


def gcj02_to_wgs84(p: Point) -> Point:
    """GCJ-02 → WGS-84, exact to 1e-9° (iterated inverse of ``wgs84_to_gcj02``)."""
    if out_of_china(p):
        return p
    return _invert(wgs84_to_gcj02, p)


def _bd09_to_gcj02_closed_form(p: Point) -> Point:
    x, y = p.lon - 0.0065, p.lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _BD_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_PI)
    return Point(z * math.sin(theta), z * math.cos(theta))


def bd09_to_gcj02(p: Point) -> Point:
    """BD-09 → GCJ-02: the published closed form (off by up to 1e-6°), then iterated exact."""
    return _invert(gcj02_to_bd09, p, _bd09_to_gcj02_closed_form(p))


def wgs84_to_bd09(p: Point) -> Point:
    """WGS-84 → BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(wgs84_to_gcj02(p))


def bd09_to_wgs84(p: Point) -> Point:
    """BD-09 → WGS-84 (through GCJ-02)."""
    return gcj02_to_wgs84(bd09_to_gcj02(p))


def amap_navigation_url(p: Point, name: str) -> str:
    """A link that opens Amap (高德) navigation to ``p`` (WGS-84; converted to GCJ-02).

    Amap's URI API: ``/navigation?to=lon,lat,name`` with ``coordinate=gaode`` (GCJ-02);
    ``callnative=1`` opens the app when it is installed, the web map otherwise.
    """
    g = wgs84_to_gcj02(p)
    query = urlencode(
        {"to": f"{g.lon:.6f},{g.lat:.6f},{name}", "mode": "car", "coordinate": "gaode",
         "callnative": "1", "src": "jointcheck"},
        quote_via=quote, safe=",",
    )
    return f"https://uri.amap.com/navigation?{query}"


def baidu_navigation_url(p: Point, name: str, region: str = "鄂州市") -> str:
    """A link that opens Baidu Maps directions to ``p`` (WGS-84; converted to BD-09).

    Baidu's URI API: ``/direction?destination=latlng:lat,lng|name:…`` (latitude first) with
    ``coord_type=bd09ll`` and ``output=html`` (the web page, which offers the app).
    """
    b = wgs84_to_bd09(p)
    query = urlencode(
        {"destination": f"latlng:{b.lat:.6f},{b.lon:.6f}|name:{name}", "coord_type": "bd09ll",
         "mode": "driving", "region": region, "output": "html", "src": "jointcheck"},
        quote_via=quote, safe=",:|",
    )
    return f"https://api.map.baidu.com/direction?{query}"
