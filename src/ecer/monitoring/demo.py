"""Illustrative monitoring registry for `ecer demo`: a few enterprises in Sichuan cities.

Every name, credit code, MN and PW here is invented (each enterprise is marked 示例/illustrative);
the limits are typical values of national discharge standards (GB 8978-1996 grade 1 for water,
GB 13223-2011 for coal-fired boilers), quoted as illustration, not as any unit's permit.
"""

from __future__ import annotations

from django.db import transaction

from ecer.monitoring.models import Device, Enterprise, MonitoringPoint, PermittedLimit

WATER_LIMITS = [("w01018", 100.0, "mg_per_l"), ("w21003", 15.0, "mg_per_l"), ("w21011", 0.5, "mg_per_l"),
                ("w21001", 20.0, "mg_per_l"), ("w01001", 9.0, "pH", 6.0)]
AIR_LIMITS = [("a21026", 200.0, "mg_per_m3"), ("a21002", 200.0, "mg_per_m3"), ("a34013", 30.0, "mg_per_m3")]
WATER_SOURCE = "GB 8978-1996 一级标准 (illustrative)"
AIR_SOURCE = "GB 13223-2011 表1 燃煤锅炉 (illustrative)"

# (name, credit code, region code, [(outlet code, outlet name, kind, MN, PW, edition)])
ENTERPRISES = [
    ("示例 成都某污水处理有限公司", "91510100MADEM0001U", "510100",
     [("DW001", "总排口", "water", "DEMO510100W000000000001", "123456", "2017")]),
    ("示例 绵阳某化工有限公司", "91510700MADEM0002X", "510700",
     [("DW001", "废水总排口", "water", "DEMO510700W000000000002", "654321", "2017"),
      ("DA001", "锅炉废气排放口", "air", "DEMO510700A000000000003", "654321", "2025")]),
    ("示例 宜宾某电厂", "91511500MADEM00033", "511500",
     [("DA001", "1号机组烟囱", "air", "DEMO511500A000000000004", "112233", "2017")]),
    ("示例 攀枝花某钢铁有限公司", "91510400MADEM0004L", "510400",
     [("DA002", "烧结机头排放口", "air", "DEMO5104A0004", "778899", "2005")]),
]

# MN → (longitude, latitude) of its point, WGS-84: invented places inside each city's built-up or
# industrial area (tests/monitoring/test_point_map.py checks each lies inside its city's outline).
COORDINATES = {
    "DEMO510100W000000000001": (104.1432, 30.6315),  # 成都 东郊
    "DEMO510700W000000000002": (104.7021, 31.4187),  # 绵阳 南郊
    "DEMO510700A000000000003": (104.7093, 31.4236),
    "DEMO511500A000000000004": (104.5838, 28.7862),  # 宜宾 西郊
    "DEMO5104A0004": (101.6514, 26.5663),  # 攀枝花 弄弄坪一带
}


def demo_secrets() -> dict[str, str]:
    """MN → PW of the illustrative devices (the registry holds only hashes; the demo's simulator
    plays these loggers, so it needs their PWs, which are invented and printed in this file)."""
    return {mn: pw for _, _, _, outlets in ENTERPRISES for *_, mn, pw, _ in outlets}


@transaction.atomic
def seed_demo_registry() -> int:
    """Create (or update) the illustrative registry; returns the number of devices. Idempotent."""
    devices = 0
    for name, credit_code, region_code, outlets in ENTERPRISES:
        enterprise, _ = Enterprise.objects.update_or_create(
            credit_code=credit_code,
            defaults={"name": name, "region_code": region_code, "note": "示例数据 (illustrative, not a real unit)"})
        for outlet_code, outlet_name, kind, mn, pw, edition in outlets:
            longitude, latitude = COORDINATES.get(mn, (None, None))
            point, _ = MonitoringPoint.objects.update_or_create(
                enterprise=enterprise, outlet_code=outlet_code,
                defaults={"outlet_name": outlet_name, "kind": kind, "longitude": longitude, "latitude": latitude})
            device, _ = Device.objects.update_or_create(mn=mn, defaults={"point": point, "edition": edition})
            if not device.check_pw(pw):
                device.set_pw(pw)
                device.save(update_fields=["pw_hash"])
            limits, source = (WATER_LIMITS, WATER_SOURCE) if kind == "water" else (AIR_LIMITS, AIR_SOURCE)
            for factor, value, unit, *lower in limits:  # pH 6–9 carries its lower bound
                limit, _ = PermittedLimit.objects.update_or_create(
                    point=point, factor_code=factor,
                    defaults={"limit_value": value, "lower_value": lower[0] if lower else None, "unit": unit,
                              "source": source})
                limit.full_clean()  # the registry rules hold for the demo too (a unit must fit its factor)
            devices += 1
    return devices
