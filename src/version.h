/* version.h - the program's version, for --version and the User-Agent. */
#ifndef DDNS_VERSION_H
#define DDNS_VERSION_H

#define DDNS_VERSION	"0.1.0"

#endif
