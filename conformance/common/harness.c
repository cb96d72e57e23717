#include "harness.h"

#include <stdarg.h>

#define HX_MAX_TESTS 512

static struct {
	const char *name;
	hx_test_fn fn;
} tests[HX_MAX_TESTS];
static int ntests;

void hx_test_register(const char *name, hx_test_fn fn)
{
	if (ntests == HX_MAX_TESTS) {
		fprintf(stderr, "too many tests in one file\n");
		abort();
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void hx_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: FAIL: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	exit(1);
}

const char *hx_cl_error_name(int err)
{
	switch (err) {
#define E(x, v) case v: return #x;
	E(CL_SUCCESS, 0) E(CL_DEVICE_NOT_FOUND, -1) E(CL_DEVICE_NOT_AVAILABLE, -2)
	E(CL_COMPILER_NOT_AVAILABLE, -3) E(CL_MEM_OBJECT_ALLOCATION_FAILURE, -4)
	E(CL_OUT_OF_RESOURCES, -5) E(CL_OUT_OF_HOST_MEMORY, -6)
	E(CL_PROFILING_INFO_NOT_AVAILABLE, -7) E(CL_MEM_COPY_OVERLAP, -8)
	E(CL_IMAGE_FORMAT_MISMATCH, -9) E(CL_IMAGE_FORMAT_NOT_SUPPORTED, -10)
	E(CL_BUILD_PROGRAM_FAILURE, -11) E(CL_MAP_FAILURE, -12)
	E(CL_MISALIGNED_SUB_BUFFER_OFFSET, -13)
	E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, -14)
	E(CL_COMPILE_PROGRAM_FAILURE, -15) E(CL_LINKER_NOT_AVAILABLE, -16)
	E(CL_LINK_PROGRAM_FAILURE, -17) E(CL_DEVICE_PARTITION_FAILED, -18)
	E(CL_KERNEL_ARG_INFO_NOT_AVAILABLE, -19) E(CL_INVALID_VALUE, -30)
	E(CL_INVALID_DEVICE_TYPE, -31) E(CL_INVALID_PLATFORM, -32)
	E(CL_INVALID_DEVICE, -33) E(CL_INVALID_CONTEXT, -34)
	E(CL_INVALID_QUEUE_PROPERTIES, -35) E(CL_INVALID_COMMAND_QUEUE, -36)
	E(CL_INVALID_HOST_PTR, -37) E(CL_INVALID_MEM_OBJECT, -38)
	E(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR, -39) E(CL_INVALID_IMAGE_SIZE, -40)
	E(CL_INVALID_SAMPLER, -41) E(CL_INVALID_BINARY, -42)
	E(CL_INVALID_BUILD_OPTIONS, -43) E(CL_INVALID_PROGRAM, -44)
	E(CL_INVALID_PROGRAM_EXECUTABLE, -45) E(CL_INVALID_KERNEL_NAME, -46)
	E(CL_INVALID_KERNEL_DEFINITION, -47) E(CL_INVALID_KERNEL, -48)
	E(CL_INVALID_ARG_INDEX, -49) E(CL_INVALID_ARG_VALUE, -50)
	E(CL_INVALID_ARG_SIZE, -51) E(CL_INVALID_KERNEL_ARGS, -52)
	E(CL_INVALID_WORK_DIMENSION, -53) E(CL_INVALID_WORK_GROUP_SIZE, -54)
	E(CL_INVALID_WORK_ITEM_SIZE, -55) E(CL_INVALID_GLOBAL_OFFSET, -56)
	E(CL_INVALID_EVENT_WAIT_LIST, -57) E(CL_INVALID_EVENT, -58)
	E(CL_INVALID_OPERATION, -59) E(CL_INVALID_GL_OBJECT, -60)
	E(CL_INVALID_BUFFER_SIZE, -61) E(CL_INVALID_MIP_LEVEL, -62)
	E(CL_INVALID_GLOBAL_WORK_SIZE, -63) E(CL_INVALID_PROPERTY, -64)
	E(CL_INVALID_IMAGE_DESCRIPTOR, -65) E(CL_INVALID_COMPILER_OPTIONS, -66)
	E(CL_INVALID_LINKER_OPTIONS, -67) E(CL_INVALID_DEVICE_PARTITION_COUNT, -68)
	E(CL_INVALID_PIPE_SIZE, -69) E(CL_INVALID_DEVICE_QUEUE, -70)
	E(CL_INVALID_SPEC_ID, -71) E(CL_MAX_SIZE_RESTRICTION_EXCEEDED, -72)
	E(CL_PLATFORM_NOT_FOUND_KHR, -1001)
#undef E
	default:
		return "?";
	}
}

int main(int argc, char **argv)
{
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <case>; cases:\n", argv[0]);
		for (i = 0; i < ntests; i++)
			fprintf(stderr, "  %s\n", tests[i].name);
		return 2;
	}
	for (i = 0; i < ntests; i++) {
		if (strcmp(tests[i].name, argv[1]) == 0) {
			tests[i].fn();
			printf("PASS: %s\n", argv[1]);
			return 0;
		}
	}
	fprintf(stderr, "no case named %s\n", argv[1]);
	return 2;
}
