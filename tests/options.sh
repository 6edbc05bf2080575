# Every long option appears in -h, setspn(1) and both completions.  The
# options are read from the one table in the code (args_long_options in
# args.c), so a new option that is not documented everywhere fails here.
# Sourced by tests/run.sh after lib.sh; needs no DC.

opt_table() {
	sed -n '/^const struct args_long_option args_long_options\[\] = {$/,/^};$/p' args.c |
		grep -o '"--[a-z-]*"' | tr -d '"'
}

t "options: the long options are read from args.c's table"
mapfile -t opt_names < <(opt_table)
((${#opt_names[@]} >= 20)) || _fail "only ${#opt_names[@]} options read from args.c" "${opt_names[*]}"

t "options: every long option is in -h, setspn(1), the bash and the zsh completion"
run -h
opt_help=$out
opt_man=$(cat man/setspn.1)
opt_bash=$(cat completions/setspn.bash)
opt_zsh=$(cat completions/_setspn)
for o in "${opt_names[@]}"; do
	# -h: "--name" as a word; setspn(1): an item ".It ... Fl -name";
	# the completions: the word
	grep -qE -- "(^|[ ,;(])$o( |,|\)|\$)" <<<"$opt_help" || _fail "-h lacks $o"
	grep -qE -- "^\.It .*Fl ${o#-}( |\$)" <<<"$opt_man" || _fail "setspn(1) lacks an item for $o (.It ... Fl ${o#-})"
	grep -qE -- "(^|[ '|])$o( |\$|'|\\))" <<<"$opt_bash" || _fail "completions/setspn.bash lacks $o"
	grep -qE -- "'$o:" <<<"$opt_zsh" || _fail "completions/_setspn lacks $o (as '$o:description')"
done

t "options: an option missing from -h is caught (the check's own test)"
if ((!_skip)); then
	grep -qE -- "(^|[ ,;(])--no-such-option( |,|\)|\$)" <<<"$opt_help" &&
		_fail "the -h check matches an option that is not there"
fi
