/*
 * The role "mm-hog" (suites/mm/roles): a process whose anonymous memory is
 * HogSize bytes, or the size its argument gives (a multiple of the page
 * size up to HogSize), all of them resident, for process_madvise(2) and
 * process_mrelease(2) to act on.
 */
#include "role.h"

/* mmroles.HogSize */
#define HOG_SIZE (4 << 20)

static char *mem;
static size_t size;

/* touch_missing writes to every page of mem that mincore(2) says is not
 * resident: MAP_POPULATE does not report a populate that stopped short. */
static int touch_missing(size_t page)
{
	static unsigned char resident[HOG_SIZE / 4096];
	size_t pages = size / page;

	if (pages > sizeof(resident))
		return EINVAL;
	if (mincore(mem, size, resident) < 0)
		return errno;
	for (size_t i = 0; i < pages; i++)
		if (!(resident[i] & 1))
			mem[i * page] = 1;
	return 0;
}

static void cmd_region(struct request *r)
{
	char text[64];

	(void)r;
	snprintf(text, sizeof(text), "%lu %zu", (unsigned long)(uintptr_t)mem, size);
	reply_ok(text);
}

static const struct command mm_hog_commands[] = {
	{"region", cmd_region},
	{"undumpable", cmd_undumpable},
	{NULL, NULL},
};

int run_mm_hog(char **args, int nargs)
{
	long page = sysconf(_SC_PAGESIZE);
	int err;

	size = nargs > 0 ? (size_t)parse_int(args[0]) : HOG_SIZE;
	if (nargs > 1 || size == 0 || size > HOG_SIZE || size % (size_t)page) {
		reply_err(EINVAL, "usage: mm-hog [BYTES], a multiple of the page size up to %d", HOG_SIZE);
		return 1;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED) {
		reply_err(errno, "mmap");
		return 1;
	}
	if ((err = touch_missing((size_t)page))) {
		reply_err(err, "mincore");
		return 1;
	}
	serve_ready(mm_hog_commands);
	return 0;
}
