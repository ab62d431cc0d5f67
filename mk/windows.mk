# mk/windows.mk - the Windows cross-build check, included by the Makefile.
#
# make windows-check (part of make check when MinGW-w64 is installed):
#  1. compiles every translation unit of src/ (platform_win32.c in place of
#     platform_posix.c) and providers/ for Windows, with the project's
#     warnings and -Werror, against the libcurl, mbedTLS, inih and cJSON
#     headers (linked alone into $(WIN_B)/include; nothing else from
#     /usr/include) -- nothing in the tree may silently stay POSIX-only;
#  2. links the unit tests that need none of those four libraries (the
#     Windows platform layer, addresses, schedules) and runs them under
#     Wine in a private prefix.
# make windows-build does step 1 and the linking, without Wine.
# See docs/platforms.md for what this proves and what it does not.

WIN_CC		?= x86_64-w64-mingw32-gcc
WIN_AR		?= x86_64-w64-mingw32-ar
WINE		?= wine
WIN_B		 = $(B)/win
WIN_CFLAGS	?= -O2
WIN_LIBS	 = -liphlpapi -lshell32 -lole32 -luuid

ifneq ($(PLATFORM),win32)
ifneq ($(shell command -v $(WIN_CC) 2>/dev/null),)
WINDOWS_CHECK	 = windows-check
endif
endif

# The Makefile's own flags minus pkg-config's (which would point at
# /usr/include); -Werror whatever WERROR says.
WIN_ALLCFLAGS	 = -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc \
		   -I$(WIN_B)/include $(filter-out -Werror,$(WARNFLAGS)) -Werror \
		   $(WIN_CFLAGS)

WIN_SRCS	 = $(filter-out src/platform_posix.c,$(wildcard src/*.c)) \
		   $(wildcard providers/*.c)
WIN_OBJS	 = $(WIN_SRCS:%.c=$(WIN_B)/%.o)
# The sources that include none of the four libraries' headers (main.c
# aside) make the library the Windows tests link with.
WIN_FREE_SRCS	 = $(shell grep -L -E \
		   'include[[:space:]]*<(curl/|mbedtls/|psa/|ini\.h|cJSON\.h)' \
		   $(filter-out src/main.c,$(filter src/%,$(WIN_SRCS))))
WIN_FREE_LIB	 = $(WIN_B)/libfree.a
WIN_TESTS	 = $(WIN_B)/test_platform_win.exe $(WIN_B)/test_addr.exe \
		   $(if $(wildcard tests/unit/test_schedule.c), \
		   $(WIN_B)/test_schedule.exe)
WIN_STAMP	 = $(WIN_B)/include/.staged

$(WIN_STAMP): tests/win/stage-headers.sh
	@mkdir -p $(@D)
	PKG_CONFIG=$(PKG_CONFIG) sh tests/win/stage-headers.sh $(@D)
	@touch $@

$(WIN_B)/%.o: %.c | $(WIN_STAMP)
	@mkdir -p $(@D)
	$(WIN_CC) $(WIN_ALLCFLAGS) -MMD -MP -c -o $@ $<

$(WIN_FREE_LIB): $(WIN_FREE_SRCS:%.c=$(WIN_B)/%.o)
	rm -f $@
	$(WIN_AR) rcs $@ $^

$(WIN_B)/test_platform_win.exe: tests/win/test_platform_win.c \
    $(WIN_FREE_LIB) | $(WIN_STAMP)
	$(WIN_CC) $(WIN_ALLCFLAGS) -Itests/unit -o $@ $< $(WIN_FREE_LIB) \
	    $(WIN_LIBS)

$(WIN_B)/test_%.exe: tests/unit/test_%.c $(WIN_FREE_LIB) | $(WIN_STAMP)
	$(WIN_CC) $(WIN_ALLCFLAGS) -Itests/unit -o $@ $< $(WIN_FREE_LIB) \
	    $(WIN_LIBS)

-include $(WIN_OBJS:.o=.d)

windows-build: $(WIN_OBJS) $(WIN_TESTS)

windows-check: windows-build
	WINE="$(WINE)" sh tests/win/run-wine.sh $(WIN_B)/wineprefix $(WIN_TESTS)

# A native build on Windows (MSYS2, make PLATFORM=win32) links these too.
ifeq ($(PLATFORM),win32)
LIBS		+= $(WIN_LIBS)
endif

.PHONY: windows-build windows-check
