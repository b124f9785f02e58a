# greeting.sh: what print_string writes by default, and a way to compare
# bytes, for chapter 09's tests: test.sh, ext-repeat.sh and ext-winsize.sh
# source it (". ./greeting.sh") after /wb/testlib.sh. Not a test itself.
#
#   HELLO, BYE     the greeting (on load) and the farewell (on unload)
#   bytes          stdin's bytes made visible and comparable, four columns
#                  each, on one line: "   H   i  \r  \n"
#
# It also puts the chapter's tools (ptyrun) on PATH: they sit next to these
# scripts (make run-qemu puts them on PATH too).

export PATH="$PWD:$PATH"

HELLO="Hello from print_string, on your terminal"
BYE="Goodbye from print_string"

bytes() { od -An -c -v | tr -d '\n'; }
