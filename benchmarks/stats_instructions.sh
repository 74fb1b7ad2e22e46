#!/bin/sh
# Instructions per search-statistics computation (see stats_instructions.py), in millions.
set -eu
db=${1:-benchmarks/.work/demo-10k.sqlite3}
here=$(dirname "$0")
python=${PYTHON:-$here/../.venv/bin/python}
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$python" \
        "$here/stats_instructions.py" "$db" "$1" "$2" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for how in ${HOWS:-kept after-write full-read compute}; do
    one=$(count "$how" 1)
    three=$(count "$how" 3)
    echo "$how: $(( (three - one) / 2 / 1000000 )) M instructions per computation"
done
