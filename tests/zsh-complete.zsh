#!/bin/zsh -f
# Runs zsh's completion system on command lines and prints the candidates:
# for each line read from standard input, "== LINE", then the words the
# completion functions offered (after matching), one a line, sorted, and
# "-- end".  Used by tests/completion.sh.
#
#   print -l 'setspn -S ht' | zsh -f tests/zsh-complete.zsh COMPLETIONS-DIR
#
# An interactive zsh runs in a pseudo-terminal (zsh/zpty) with compinit and
# the completions of COMPLETIONS-DIR first in $fpath; each line is typed
# followed by TAB.  compadd is wrapped: every call is also made with -O,
# which stores the words that match what was typed instead of adding them,
# and these are written to a file; comppostfuncs marks the end.
zmodload zsh/zpty || exit 1
dir=${1:A}
work=$(mktemp -d) || exit 1
out=$work/out

zpty z "zsh -f -i"
zpty -w z "PS1='' PS2='' RPS1=''; unsetopt zle_bracketed_paste 2>/dev/null; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' menu no; zstyle ':completion:*' list-prompt ''; setopt nolistbeep nobeep; LISTMAX=100000"
zpty -w z "cd ${(q)work}; : >a.keytab; mkdir adir"
# A call that itself asks for -O, -A or -D only filters: not captured.
zpty -w z "compadd() { local -a __h; if [[ \"\$*\" != *(-O|-A|-D)' '* ]]; then builtin compadd -O __h \"\$@\" 2>/dev/null; (( \$#__h )) && print -rl -- \"\${__h[@]}\" >>${(q)out}; fi; builtin compadd \"\$@\"; }"
zpty -w z "__mark() { print -r -- '-- end' >>${(q)out}; }"
zpty -w z "__cw() { comppostfuncs=(__mark); zle complete-word; }; zle -N __cw; bindkey '^I' __cw"
# Setup done when this file appears.
zpty -w z ": >${(q)work}/ready"
for (( n = 0; n < 100; n++ )); do [[ -e $work/ready ]] && break; sleep 0.05; done

while IFS= read -r line; do
  : >$out
  zpty -w -n z "$line"$'\t'
  for (( n = 0; n < 100; n++ )); do
    [[ -s $out && $(tail -n 1 $out) == '-- end' ]] && break
    sleep 0.05
  done
  print -r -- "== $line"
  grep -v '^-- end$' $out | LC_ALL=C sort -u
  print -r -- "-- end"
  # Kill the line (and any list shown) before the next one.
  zpty -w -n z $'\C-e\C-u'
  zpty -r z junk '*' 2>/dev/null
done
zpty -d z
rm -rf $work
