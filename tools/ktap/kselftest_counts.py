#!/usr/bin/env python3
"""Parse run_kselftest.sh's output with the kernel's own KTAP parser.

usage: kselftest_counts.py SOURCE OUTPUT_FILE COLLECTION

SOURCE is as for ktap_counts.py (a linux tree or linux-source tarball
holding tools/testing/kunit). The runner prints one KTAP document whose
tests are the programs ("selftests: COLLECTION: PROGRAM"); each program's
own KTAP sits inside it with every line prefixed "# " by the runner, which
kunit_parser reads as diagnostics. So the document is parsed once whole,
for the programs' results, and each program's part once more alone, where
the parser finds the prefix on its first "KTAP version" line and strips it
(as it does for any prefixed console), for the specs.

Prints one JSON object: "runner", the whole document's summary (as
ktap_counts.py prints it), and "programs", each program's summary by name
with "results" added: each case's status (SUCCESS, FAILURE, SKIPPED...).
"""

import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap_counts  # noqa: E402


def sections(lines, collection):
    """Each program's lines, between the runner's header and result lines."""
    header = re.compile(r"^# selftests: " + re.escape(collection) + r": (\S+)$")
    found, name, part = {}, None, []
    for line in lines:
        m = header.match(line)
        if m:
            name, part = m.group(1), []
            continue
        if name and re.match(r"^(ok|not ok) \d+ selftests: " + re.escape(collection) + ": " + re.escape(name) + r"\b", line):
            found[name] = part
            name = None
            continue
        if name:
            part.append(line)
    return found


def results(test):
    """Each case's status by name."""
    out = {}

    def leaves(t):
        if not t.subtests:
            out[t.name] = t.status.name
        for sub in t.subtests:
            leaves(sub)
    leaves(test)
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    source, output, collection = sys.argv[1:]
    with open(output) as f:
        lines = f.read().splitlines()
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, ktap_counts.kunit_dir(source, tmp))
        result = {"runner": ktap_counts.summary(ktap_counts.parse(lines)), "programs": {}}
        for name, part in sections(lines, collection).items():
            test = ktap_counts.parse(part)
            result["programs"][name] = dict(ktap_counts.summary(test), results=results(test))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
