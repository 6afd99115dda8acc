"""Coordinates: the datum conversions against published reference points, distances, links."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.geo import (
    Point,
    amap_navigation_url,
    baidu_navigation_url,
    bd09_to_gcj02,
    bd09_to_wgs84,
    distance_km,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# googollee/eviltransform's test vectors (wgsLat, wgsLng, gcjLat, gcjLng), used by its ports
EVILTRANSFORM_GCJ = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# eviltransform's BD-09 vectors are not used: they disagree with its own bd2wgs formula by up
# to 4e-4 degrees (40 m), so they were probably read off Baidu's online converter; gcoord's
# city fixture below is consistent to its 1e-7 rounding and includes Ezhou.
# hujiulong/gcoord's fixture test/fixtures/china-cities.json, [lon, lat] rounded to 7 places:
# WGS84, GCJ02, BD09 of Ezhou (鄂州市), Jingmen, Yichang (Hubei) and Zhengzhou
GCOORD_CITIES = [
    ((114.8898012, 30.3946322), (114.8948492, 30.3919431), (114.9014563, 30.397616)),
    ((112.1935849, 31.0376011), (112.1994301, 31.0354012), (112.2058231, 31.0417338)),
    ((111.2808211, 30.6944096), (111.2864741, 30.6919691), (111.2930248, 30.6977103)),
    ((113.6192856, 34.7478004), (113.6253334, 34.7466173), (113.6317519, 34.7528605)),
]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM_GCJ)
def test_wgs84_to_gcj02_matches_eviltransform(wlat: float, wlon: float, glat: float,
                                              glon: float) -> None:
    got = wgs84_to_gcj02(Point(wlat, wlon))
    assert got.lat == pytest.approx(glat, abs=1e-9)
    assert got.lon == pytest.approx(glon, abs=1e-9)


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM_GCJ)
def test_gcj02_to_wgs84_is_exact_inverse(wlat: float, wlon: float, glat: float,
                                         glon: float) -> None:
    got = gcj02_to_wgs84(Point(glat, glon))
    assert got.lat == pytest.approx(wlat, abs=1e-8)
    assert got.lon == pytest.approx(wlon, abs=1e-8)
    # under a millimetre on the ground
    assert distance_km(got, Point(wlat, wlon)) < 1e-6


@pytest.mark.parametrize(("wgs", "gcj", "bd"), GCOORD_CITIES)
def test_gcoord_city_fixture(wgs: tuple[float, float], gcj: tuple[float, float],
                             bd: tuple[float, float]) -> None:
    w, g, b = Point(wgs[1], wgs[0]), Point(gcj[1], gcj[0]), Point(bd[1], bd[0])
    # GCJ-02 <-> BD-09 agrees to the fixture's 1e-7 rounding; its WGS-84 column came from an
    # approximate inverse (gcoord's own test allows 1e-4 there), so 1e-5 (about a metre) here
    assert wgs84_to_gcj02(w).lat == pytest.approx(g.lat, abs=1e-5)
    assert wgs84_to_gcj02(w).lon == pytest.approx(g.lon, abs=1e-5)
    assert gcj02_to_wgs84(g).lat == pytest.approx(w.lat, abs=1e-5)
    assert gcj02_to_wgs84(g).lon == pytest.approx(w.lon, abs=1e-5)
    assert gcj02_to_bd09(g).lat == pytest.approx(b.lat, abs=2e-7)
    assert gcj02_to_bd09(g).lon == pytest.approx(b.lon, abs=2e-7)
    assert bd09_to_gcj02(b).lat == pytest.approx(g.lat, abs=2e-7)
    assert bd09_to_gcj02(b).lon == pytest.approx(g.lon, abs=2e-7)


def test_outside_china_gcj02_is_wgs84() -> None:
    for p in (Point(39.7392, -104.9903), Point(-27.4698, 153.0251), Point(51.5, -0.12)):
        assert wgs84_to_gcj02(p) == p
        assert gcj02_to_wgs84(p) == p


@given(st.floats(29.9, 30.6), st.floats(114.4, 115.1))
def test_round_trips_inside_ezhou(lat: float, lon: float) -> None:
    p = Point(lat, lon)
    assert distance_km(gcj02_to_wgs84(wgs84_to_gcj02(p)), p) < 1e-6
    assert distance_km(bd09_to_wgs84(wgs84_to_bd09(p)), p) < 1e-6
    # the offsets are hundreds of metres, never zero, never kilometres
    assert 0.1 < distance_km(wgs84_to_gcj02(p), p) < 1.5
    assert 0.5 < distance_km(wgs84_to_bd09(p), p) < 2.5


def test_distances_against_known_values() -> None:
    # one degree of a meridian on the mean sphere: 2πR/360
    assert distance_km(Point(0, 0), Point(1, 0)) == pytest.approx(
        2 * math.pi * 6371.0088 / 360, rel=1e-12)
    # Wuhan Tianhe airport → Ezhou Huahu airport
    assert distance_km(Point(30.7838, 114.2081), Point(30.3417, 115.0334)) == pytest.approx(
        92.9, abs=1.0)
    assert distance_km(Point(30.4, 114.9), Point(30.4, 114.9)) == 0.0


def test_amap_link_carries_gcj02_lon_lat_and_name() -> None:
    w = Point(31.1774276, 121.5272106)  # eviltransform's Shanghai point
    url = amap_navigation_url(w, "鄂州市江南餐饮有限公司")
    parts = urlsplit(url)
    assert parts.netloc == "uri.amap.com"
    assert parts.path == "/navigation"
    query = parse_qs(parts.query)
    lon, lat, name = query["to"][0].split(",")
    assert (float(lon), float(lat)) == pytest.approx((121.531542, 31.175304), abs=1e-6)
    assert name == "鄂州市江南餐饮有限公司"
    assert query["coordinate"] == ["gaode"]


def test_baidu_link_carries_bd09_lat_first() -> None:
    w = Point(31.1774276, 121.5272106)
    bd = gcj02_to_bd09(Point(31.17530398364597, 121.531541859215))  # from the published GCJ
    query = parse_qs(urlsplit(baidu_navigation_url(w, "好味道 小吃")).query)
    destination = query["destination"][0]
    latlng, name = destination.split("|")
    lat, lon = latlng.removeprefix("latlng:").split(",")
    assert (float(lat), float(lon)) == pytest.approx((bd.lat, bd.lon), abs=1e-6)
    assert bd.lat - 31.1753 > 0.005  # BD-09 is not GCJ-02: the link converted twice
    assert name == "name:好味道 小吃"
    assert query["coord_type"] == ["bd09ll"]
