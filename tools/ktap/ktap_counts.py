#!/usr/bin/env python3
"""Parse a KTAP file with the kernel's own KTAP parser and print its counts.

usage: ktap_counts.py SOURCE KTAP_FILE

SOURCE is a linux source tree (a directory holding tools/testing/kunit) or
a linux-source-X.Y.tar.xz; from a tarball only tools/testing/kunit is
extracted, into a temporary directory. No kernel source is kept here: the
parser is the kernel's, so what it accepts is what kernel CI accepts.

Prints one JSON object: passed, failed, crashed, skipped, errors (parse
errors the parser reported), status of the whole document and cases (the
names of the test cases, the tests without subtests, in order).
"""

import io
import json
import os
import sys
import tarfile
import tempfile

KUNIT = "tools/testing/kunit/"


def kunit_dir(source, tmp):
    if os.path.isdir(source):
        return os.path.join(source, KUNIT)
    with tarfile.open(source) as tar:
        for member in tar:
            # The tarball's top directory is linux-source-X.Y/.
            rel = member.name.split("/", 1)[-1]
            if rel.startswith(KUNIT) and member.isfile() and rel.count("/") == 3:
                member.name = rel
                tar.extract(member, tmp)
    return os.path.join(tmp, KUNIT)


def parse(lines):
    """The kernel parser's Test tree of KTAP lines (kunit_parser on the path)."""
    import kunit_parser
    import kunit_printer
    # The parser prints a human summary: keep it off stdout.
    printer = kunit_printer.Printer(print=False, output=io.StringIO())
    return kunit_parser.parse_run_tests(lines, printer)


def summary(test):
    """The counts, status and case names of a parsed Test, as printed."""
    c = test.counts
    cases = []

    def leaves(t):
        if not t.subtests:
            cases.append(t.name)
        for sub in t.subtests:
            leaves(sub)
    leaves(test)
    return {
        "passed": c.passed, "failed": c.failed, "crashed": c.crashed,
        "skipped": c.skipped, "errors": c.errors, "status": test.status.name,
        "cases": cases,
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, ktap_file = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, kunit_dir(source, tmp))
        with open(ktap_file) as f:
            test = parse(f.read().splitlines())
    print(json.dumps(summary(test)))


if __name__ == "__main__":
    main()
