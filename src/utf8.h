/*
 * utf8.h - checking that bytes from the network are UTF-8 text.
 *
 * Address sources and JSON replies must be text: a reply with a NUL byte
 * or an invalid sequence is not trusted, even if an address-shaped token
 * or a well-formed value stands in it.
 */
#ifndef DDNS_UTF8_H
#define DDNS_UTF8_H

#include <stddef.h>

/* Checks text (len bytes, need not be NUL-terminated): no NUL byte, no
 * invalid, overlong, surrogate or out-of-range sequence. Returns -1 when
 * it is UTF-8 text, else the offset of the first bad byte. */
long	 utf8_bad(const char *text, size_t len);

#endif
