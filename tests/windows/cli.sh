#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cli.sh WINE TOTE_EXE CMEM_DIR — the tote CLI on Windows, under Wine: the embedded default store is
# %LOCALAPPDATA%\tote\default.db and the user's config %APPDATA%\tote\config.toml (where Linux has ~/.local/share
# and ~/.config; the config is written only if the user has none, and removed again); values pass stdin and stdout
# byte for byte (no text-mode "\r\n" or Ctrl-Z); URLs take Windows paths with either slash; TOTE_PLUGIN_PATH is
# ';'-separated, as PATH is there (':' belongs to drive letters); json:// stores in Windows directories, with
# the names Windows reserves mapped.
set -u
wine="$1" tote="$2" cmem_dir="$3"
winepath="$(dirname "$(command -v "$wine")")/winepath"
[ -x "$winepath" ] || winepath=winepath
unix_of() { "$winepath" -u "$("$wine" cmd /c echo "%$1%" | tr -d '\r')"; }
local_dir="$(unix_of LOCALAPPDATA)" roaming_dir="$(unix_of APPDATA)"
failed=0
printf 'one\n' | "$wine" "$tote" put default windows-test/k - || failed=1
if [ -f "$local_dir/tote/default.db" ]; then printf '%s\n' "ok   the default store is %LOCALAPPDATA%\\tote\\default.db"
else echo "FAIL no $local_dir/tote/default.db"; failed=1; fi
[ "$("$wine" "$tote" get default windows-test/k)" = "one" ] && echo "ok   it reads back" || { echo "FAIL read back"; failed=1; }
"$wine" "$tote" rm default windows-test/k >/dev/null 2>&1

# Bytes in, bytes out: CR LF, a Ctrl-Z (0x1A) and no final newline.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'a\r\nb\032c' > "$work/in"
db="$("$winepath" -w "$work")"
"$wine" "$tote" put "sqlite://$db\bin.db" k - < "$work/in" || failed=1
"$wine" "$tote" get "sqlite://$db/bin.db" k > "$work/out" || failed=1
if cmp -s "$work/in" "$work/out"; then echo "ok   a binary value passes stdin and stdout unchanged (C:\ and C:/ URLs)"
else echo "FAIL the value read back differs: $(od -c "$work/out" | head -2)"; failed=1; fi

# A store whose directory and its parent do not exist yet, right under the drive's root, is created whole.
fresh="tote-cli-$$-$(date +%s)"
printf 'v' | "$wine" "$tote" put "json://C:/$fresh/nested/evals" k - || failed=1
if [ "$("$wine" "$tote" get "json://C:\\$fresh\\nested\\evals" k)" = v ]; then echo "ok   json://C:/<new>/<new>/evals is created whole"
else echo "FAIL json://C:/$fresh/nested/evals"; failed=1; fi
rm -rf "$("$winepath" -u "C:\\$fresh")"
# The json store: a Windows directory given either way, keys Windows reserves stored under mapped names (the files
# are what a person sees in Explorer) and listed back as the keys they are.
"$wine" "$tote" put "json://$db\evals" "CON" - < "$work/in" || failed=1
printf 'x' | "$wine" "$tote" put "json://$db/evals" "runs/aux.json" - || failed=1
"$wine" "$tote" get "json://$db/evals" CON > "$work/out2" || failed=1
keys="$("$wine" "$tote" ls -r "json://$db\evals" | tr -d '\r')"
if cmp -s "$work/in" "$work/out2" && [ -f "$work/evals/%43ON" ] && [ -f "$work/evals/runs/%61ux.json" ] &&
   [ "$keys" = "$(printf 'CON\nruns/aux.json')" ]; then
  echo "ok   json:// URLs with C:\ and C:/ paths; CON and aux.json stored as %43ON and %61ux.json, listed as keys"
else echo "FAIL json store on Windows: keys [$keys], files: $(ls -R "$work/evals" 2>&1 | tr '\n' ' ')"; failed=1; fi

plugins="$(TOTE_PLUGIN_PATH="C:\\nowhere;Z:$cmem_dir" "$wine" "$tote" plugins 2>&1)"
if printf '%s\n' "$plugins" | grep -q "cmem 1.0.0" && printf '%s\n' "$plugins" | grep -q 'C:\\nowhere .*TOTE_PLUGIN_PATH'; then
  echo "ok   TOTE_PLUGIN_PATH takes drive-letter directories, ';'-separated"
else printf '%s\n' "$plugins"; echo "FAIL TOTE_PLUGIN_PATH"; failed=1; fi

# --help names the config where Windows keeps it, not the Linux path.
if "$wine" "$tote" --help | grep -Fq '%APPDATA%\tote\config.toml'; then printf '%s\n' "ok   --help names %APPDATA%\tote\config.toml"
else printf '%s\n' "FAIL --help does not name %APPDATA%\tote\config.toml"; failed=1; fi

config="$roaming_dir/tote/config.toml"
if [ -e "$config" ]; then
  echo "skip the user has a config already: $config"
else
  mkdir -p "$roaming_dir/tote"
  printf '[stores.windows-test]\nurl = "sqlite://%s"\n' "$("$winepath" -w "$(mktemp -u)").db" > "$config"
  doctor="$("$wine" "$tote" doctor 2>&1)"
  rm -f "$config"
  if printf '%s\n' "$doctor" | grep -q 'config file: .*AppData.Roaming.tote.config.toml'; then
    printf '%s\n' "ok   the config is %APPDATA%\\tote\\config.toml"
  else
    printf '%s\n' "$doctor" | head -5; echo "FAIL the config in %APPDATA% is not read"; failed=1
  fi
fi
exit "$failed"
