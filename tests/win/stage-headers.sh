#!/bin/sh
# stage-headers.sh DIR - links the headers of libcurl, mbedTLS, inih and
# cJSON into DIR, so that the Windows cross-compiler can see them without
# being given /usr/include (whose glibc headers must not mix with MinGW's).
# Only these headers are linked: the Windows build gets no other Linux header.
set -eu
dir=$1
: "${PKG_CONFIG:=pkg-config}"

# Where to look: what pkg-config says, then the usual places.
search=
for pkg in libcurl inih libcjson mbedcrypto; do
	search="$search $($PKG_CONFIG --cflags-only-I "$pkg" 2>/dev/null |
	    sed 's/-I//g')" || :
done
ma=$(${CC:-cc} -print-multiarch 2>/dev/null) || ma=
search="$search /usr/include/$ma /usr/include /usr/include/cjson
    /usr/local/include /usr/local/include/cjson /opt/homebrew/include"

# Prints the first place that has $1, or fails.
find_in() {
	for d in $search; do
		if [ -e "$d/$1" ]; then
			echo "$d/$1"
			return 0
		fi
	done
	return 1
}

mkdir -p "$dir"
for h in curl mbedtls psa ini.h cJSON.h; do
	if src=$(find_in "$h"); then
		ln -sfn "$src" "$dir/$h"
	elif [ "$h" != psa ]; then	# psa/ comes with mbedTLS 2.28+ only
		echo "stage-headers: $h not found; install the -dev packages" \
		    "(make deps)" >&2
		exit 1
	fi
done
