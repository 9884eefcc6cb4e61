#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# man_page_test.sh TOTE_BINARY MAN_PAGE — the generated tote(1) renders with man without a single warning, has
# the sections a man page needs, and names every command the tote it was made from has (so it is not stale).
set -euo pipefail
tote="$1"
page="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$page" ] || fail "no man page at $page"
warnings="$(MANWIDTH=100 man --warnings -l "$page" 2>&1 >/dev/null)"
[ -z "$warnings" ] || fail "man reports warnings for $page: $warnings"
text="$(MANWIDTH=100 MAN_KEEP_FORMATTING=0 man -l "$page" 2>/dev/null | col -b)"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
    grep -qx "$section" <<<"$text" || fail "the man page has no $section section"
done
grep -q "tote - one storage interface" <<<"$text" || fail "NAME line"
grep -q "$("$tote" --version | cut -d' ' -f2)" <<<"$text" || fail "the man page is not for tote $("$tote" --version)"
for command in $(HOME=/nonexistent "$tote" complete commands); do
    grep -Eq "^ +$command( |$)" <<<"$text" || fail "the man page does not list the command '$command'"
done
grep -q "~/.local/lib/tote/plugins" <<<"$text" || fail "the man page does not name the per-user plugin directory"
echo "man page: renders cleanly and lists every command"
