// SPDX-License-Identifier: MIT
/* The unit test runner: every tests/unit/check_<module>.c suite, listed by the build. */
#include <stdlib.h>

#include "unit.h"

int main(void)
{
	SRunner *runner = srunner_create(NULL);
	int failed;

#define SUITE(name) srunner_add_suite(runner, name##_suite());
#include "suites.inc"
#undef SUITE
	/* CK_RUN_SUITE and CK_RUN_CASE select, CK_FORK=no runs in-process (for gdb). */
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
