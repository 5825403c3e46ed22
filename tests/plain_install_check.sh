#!/usr/bin/env bash
# The plain install: `pip install .` with no extras (click, rich, NumPy and SymPy; no test tools, no frameworks) in a
# fresh venv, then the commands the README and the docs show, each from a folder outside the checkout (so the
# installed package is what runs). Every command must end with its expected exit code and never print a traceback or
# an internal error.
#
#   bash tests/plain_install_check.sh          # PYTHON=python3.11 to choose the interpreter
#
# Exits 0 when every command behaves, 1 otherwise (naming each one that did not).
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv" || exit 1
"$work/venv/bin/python" -m pip install --quiet "$root" || { echo "plain install: pip install . failed"; exit 1; }
for tool in pytest hypothesis torch keras; do
    if "$work/venv/bin/python" -c "import $tool" 2>/dev/null; then
        echo "plain install: $tool is installed, so this is not the plain install"; exit 1
    fi
done

cp -r "$root/examples" "$work/examples"
cp "$root/tests/models/keras_lenet5.py" "$root/tests/models/keras_nested_autoencoder.py" \
    "$root/tests/fixtures/summaries/keras3_mnist.txt" "$work/"
cd "$work" || exit 1
cnncalc="$work/venv/bin/cnncalc"
failures=0
passed=0

# expect CODE ARGS…: run cnncalc ARGS and check its exit code and its output
expect() {
    local code="$1"; shift
    local output status
    output="$("$cnncalc" "$@" 2>&1)"
    status=$?
    local problem=""
    [ "$status" -eq "$code" ] || problem="exit $status, expected $code"
    case "$output" in
        *Traceback*|*"Internal error"*) problem="${problem:+$problem; }a traceback or an internal error" ;;
    esac
    if [ -n "$problem" ]; then
        failures=$((failures + 1))
        printf 'FAILED cnncalc %s: %s\n%s\n' "$*" "$problem" "$(printf '%s\n' "$output" | head -5)"
    else
        passed=$((passed + 1))
    fi
}

expect 0 --version
expect 0 --help
expect 0 summary "input 28x28x1, conv32x3x3 relu, pool2, flatten, dense10"
expect 0 summary examples/mnist_keras.cnn --format json
expect 0 summary examples/mnist_keras.cnn --format markdown
expect 0 summary examples/mnist_keras.cnn --format csv
expect 0 summary examples/mnist_keras.cnn -v --flops-convention fvcore --by-op --training
expect 0 summary examples/mnist_keras.cnn --format keras
expect 0 summary examples/mnist_keras.cnn --format pytorch
expect 0 summary "input 3x224x224 nchw, conv64x3 p1 relu, bn, maxpool2, adaptiveavgpool7, flatten, dense10"
expect 0 summary examples/mnist_keras.cnn
expect 0 summary resnet50                                            # the zoo ships in the package
expect 0 summary keras:ResNet50 --input 160x160x3
expect 0 zoo --format json
expect 0 summary vit_b_16                                            # a vision transformer, held too
expect 2 summary resnet5O                                            # a near miss: "did you mean resnet50"
expect 0 summary "input RxCx3, conv5x3, conv7x3, flatten, dense10"     # sizes with names: sympy
expect 0 summary keras_lenet5.py                                        # model code, read with ast
expect 0 summary keras_lenet5.py --emit-spec
expect 0 summary keras_nested_autoencoder.py --depth 1                   # as Keras' summary() draws it
expect 1 summary "input 28x28x1, conv8x3 s2" --strict                 # (28 − 3)/2 + 1 = 13.5
expect 2 summary "input 28x28x1, dens10"
expect 0 summary examples/mnist_keras.cnn --check                  # NumPy comes with cnncalc
expect 0 check-stride 251x151 21 10
expect 1 check-stride 7 3 3
expect 0 check-stride N 3 2
expect 1 check-stride --spec examples/mnist_keras.cnn
expect 0 check examples/lectures/mnist_4_layer.cnn --expect 2.params=18496 --expect total=1,199,882
expect 1 check examples/lectures/mnist_4_layer.cnn --expect 2.params=18494
expect 0 check "input RxCx3, conv5x3" --expect "1.params=(3*3*3 + 1)*5" --expect "1.output=(R-2)x(C-2)x5"
expect 0 check --answers examples/homework/exam_128x128x3.toml
expect 0 check examples/mnist_keras.cnn --summary keras3_mnist.txt
expect 0 check --summary keras3_mnist.txt
expect 0 solve "input 227x227x3, conv96x11 s?" --output 55x55
expect 0 solve "input ?x?x1, conv32x3, pool2, conv64x3, pool2" --min
expect 1 solve "input 227x227x3, conv96x11 s?" --output 56x56
expect 0 conv --matrix "1 0 1; 0 1 0; 1 1 1" --kernel "1 0; 0 1"
expect 0 pool --matrix "12 20 30 0; 8 12 2 0; 34 70 37 4; 112 100 25 12" --size 2 --mode avg
expect 0 dense --vector "1 2" --weights "0.5 -1; 0.25 1" --bias "0 1"
expect 0 check --answers examples/homework/image_7x9x3_maps.toml

echo "plain install: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
