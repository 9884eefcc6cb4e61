#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# completion_test.sh TOTE_BINARY COMPLETION_SCRIPT — the bash completion script in a real bash, as bash-completion
# calls it: COMP_LINE and COMP_POINT set, _tote called, COMPREPLY checked. In a sealed HOME with a config naming
# two stores, so the store names, keys and plugin names come from this tote and nothing of the user's.
set -euo pipefail
tote_bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
script="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
export XDG_CACHE_HOME="$work/home/.cache"
unset TOTE_CONFIG TOTE_PLUGIN_PATH
mkdir -p "$XDG_CONFIG_HOME/tote" "$work/bin"
ln -s "$tote_bin" "$work/bin/tote"  # the command word is "tote", found on PATH as a user types it
export PATH="$work/bin:$PATH"
cat >"$XDG_CONFIG_HOME/tote/config.toml" <<EOF
[stores.evals]
url = "json://$work/evals"
[stores.archive]
url = "sqlite://$work/archive.db"
EOF
cat >"$work/other.toml" <<EOF
[stores.elsewhere]
url = "json://$work/elsewhere"
EOF
for key in runs/a.json runs/b.json top.json; do echo '{}' | tote put evals "$key"; done

mkdir "$work/empty" && cd "$work/empty"  # file names offered beside words come from here: none
# shellcheck source=/dev/null
source "$script"
failures=0

# complete LINE: prints the candidates for the end of LINE, one per line, sorted.
complete_line() {
    COMP_LINE="$1"
    COMP_POINT=${#1}
    COMPREPLY=()
    _tote
    printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect LINE WORD...: every WORD is a candidate for LINE.
expect() {
    local line="$1" got word
    shift
    got="$(complete_line "$line")"
    for word in "$@"; do
        if ! grep -Fxq -- "$word" <<<"$got"; then
            echo "FAIL: '$line' does not offer '$word'; it offers: $(tr '\n' ' ' <<<"$got")"
            failures=$((failures + 1))
        fi
    done
}

# expect_exactly LINE WORD...: the candidates for LINE are exactly the WORDs.
expect_exactly() {
    local line="$1" got want
    shift
    got="$(complete_line "$line")"
    want="$(printf '%s\n' "$@" | sort)"
    if [ "$got" != "$want" ]; then
        echo "FAIL: '$line' offers: $(tr '\n' ' ' <<<"$got")(wanted: $*)"
        failures=$((failures + 1))
    fi
}

# expect_none LINE WORD...: no WORD is a candidate for LINE.
expect_none() {
    local line="$1" got word
    shift
    got="$(complete_line "$line")"
    for word in "$@"; do
        if grep -Fxq -- "$word" <<<"$got"; then
            echo "FAIL: '$line' offers '$word', which it should not"
            failures=$((failures + 1))
        fi
    done
}

expect "tote " put get append ls stat rm mv cp plugins plugin lock tail drop doctor new-plugin --config --help
expect_none "tote " complete                                  # the hidden command stays hidden
expect_exactly "tote pl" plugin plugins
expect_exactly "tote plugin " check fixture
expect_exactly "tote lock " ls rm
expect "tote get " evals archive default json:// sqlite:// postgres:// redis://
expect_exactly "tote get ev" evals
expect_exactly "tote get json:" //                            # bash split the word at ':'; the rest completes it
expect_exactly "tote get evals " runs/ top.json
expect_exactly "tote get evals runs/" runs/a.json runs/b.json
expect_exactly "tote find --where {} evals r" runs/
expect "tote find --" --where --recursive --limit --json --count
expect_exactly "tote mv evals runs/a.json r" runs/
expect_exactly "tote --config $work/other.toml ls el" elsewhere
expect "tote cp evals " archive evals
expect "tote put --" --create-only --if-version --ttl --help
expect_none "tote put --" --follow
expect "tote tail --" --follow
expect_exactly "tote plugin check " cache checksum fault json metrics postgres redis sqlite zstd  # backends and layers; or a .so file: none here
touch mine.so
expect "tote plugin check " mine.so json
expect "tote --store-less-typo " # an unknown word before the command: no error, whatever is offered
expect_exactly "tote --plugin-dir $work/bi" "$work/bin"
expect_exactly "tote --config $work/oth" "$work/other.toml"

if [ "$failures" -ne 0 ]; then
    echo "$failures completion check(s) failed"
    exit 1
fi
echo "bash completion: all checks passed"
