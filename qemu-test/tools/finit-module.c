// SPDX-License-Identifier: GPL-2.0
/*
 * finit-module: load a module with finit_module(2) and the flags given, as
 * `modprobe --force-modversion` does (MODULE_INIT_IGNORE_MODVERSIONS = 1), for the guest.
 *
 *   finit-module FILE FLAGS [PARAMS]
 * Exit 0 when the module loaded, 1 with the kernel's error otherwise, 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: finit-module FILE FLAGS [PARAMS]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (syscall(SYS_finit_module, fd, argc == 4 ? argv[3] : "",
		    (int)strtol(argv[2], NULL, 0)) != 0) {
		fprintf(stderr, "finit_module %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
