# SPDX-License-Identifier: Apache-2.0
# bash completion for tote — installed as <datadir>/bash-completion/completions/tote (the .deb:
# /usr/share/bash-completion/completions/tote), loaded by bash-completion on first use; or `source` it.
#
# Completes commands, subcommands and options, store names from the config (and "scheme://" for each backend),
# plugin names for `tote plugin check`, keys one level at a time for the KEY of get/put/append/tail/stat/rm/mv/ls
# (and the PREFIX of find),
# and files or directories where an option or argument takes one. Every word list comes from the tote being
# completed (`tote complete …`, a hidden command), so it matches that tote's commands, config and plugins.
#
# The words are taken from the line itself, split at blanks: bash would also split "json://x" at its colon
# (COMP_WORDBREAKS), so the candidates are trimmed to what bash expects after that split.

# Sets COMPREPLY to the words of list ($1) that start with $cur, adjusted for a colon in the word.
_tote_reply() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$1" -- "$cur"))
    _tote_trim_colon
}

_tote_trim_colon() {
    if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
        local before="${cur%"${cur##*:}"}" i
        for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="${COMPREPLY[i]#"$before"}"; done
    fi
}

_tote() {
    local line="${COMP_LINE:0:COMP_POINT}"
    local -a words
    read -ra words <<<"$line"
    [[ "$line" == *[[:blank:]] ]] && words+=("")
    local cur="${words[${#words[@]}-1]}" prev=""
    ((${#words[@]} > 1)) && prev="${words[${#words[@]}-2]}"
    local tote="${words[0]}"
    local -a global=() positional=()
    local cmd="" sub="" i word
    for ((i = 1; i < ${#words[@]} - 1; i++)); do
        word="${words[i]}"
        case "$word" in
            --config|--plugin-dir)
                global+=("$word" "${words[i+1]}")
                ((i++)) ;;
            --option|--store|--fixture|--timeout|--deadline|--isolate-option|--if-version|--if-size|--ttl|--offset|--length|-n|--limit|-w|--where|--prefix)
                ((i++)) ;;  # an option that takes a value: skip the value
            -*) ;;
            *)
                if [[ -z "$cmd" ]]; then
                    cmd="$word"
                elif [[ -z "$sub" && ( "$cmd" == plugin || "$cmd" == lock ) ]]; then
                    sub="$word"
                else
                    positional+=("$word")
                fi ;;
        esac
    done

    # Values of options.
    case "$prev" in
        --config|--fixture) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --plugin-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --store) _tote_reply "$("$tote" "${global[@]}" complete stores 2>/dev/null)"; return ;;
    esac

    if [[ -z "$cmd" ]]; then
        _tote_reply "$("$tote" complete commands 2>/dev/null)"$'\n'"--config"$'\n'"--plugin-dir"$'\n'"--version"$'\n'"--help"
        return
    fi
    if [[ ( "$cmd" == plugin || "$cmd" == lock ) && -z "$sub" ]]; then
        _tote_reply "$("$tote" complete subcommands "$cmd" 2>/dev/null)"
        return
    fi
    if [[ "$cur" == -* ]]; then
        _tote_reply "$("$tote" complete options "$cmd" $sub 2>/dev/null)"
        return
    fi

    local n=${#positional[@]}
    case "$cmd${sub:+ $sub}" in
        "plugin check")
            if ((n == 0)); then
                _tote_reply "$("$tote" "${global[@]}" complete plugins 2>/dev/null)"
                COMPREPLY+=($(compgen -f -- "$cur"))
            fi ;;
        new-plugin)
            ((n == 1)) && COMPREPLY=($(compgen -d -- "$cur")) ;;
        put|get|append|tail|stat|rm|mv|ls|find|cp|drop|doctor|"plugin fixture"|"lock ls"|"lock rm")
            if ((n == 0)) || [[ "$cmd" == cp && n -eq 1 ]]; then
                _tote_reply "$("$tote" "${global[@]}" complete stores 2>/dev/null)"
                # "json://" goes on with a location: no space after it; a store name is a whole word.
                [[ "${COMPREPLY[0]-}" == *// ]] && compopt -o nospace 2>/dev/null
                return
            fi
            case "$cmd" in
                put|get|append|tail|stat|rm|mv|ls|find)
                    if ((n == 1)) || [[ "$cmd" == mv && n -eq 2 ]]; then
                        local store="${positional[0]}"
                        _tote_reply "$("$tote" "${global[@]}" complete keys "$store" "$cur" 2>/dev/null)"
                        [[ "${COMPREPLY[0]-}" == */ ]] && compopt -o nospace 2>/dev/null
                    elif [[ ( "$cmd" == put || "$cmd" == append ) && n -eq 2 ]]; then
                        COMPREPLY=($(compgen -f -- "$cur"))
                    fi ;;
            esac ;;
    esac
}
complete -F _tote tote
