/* HMMCL_DEBUG=api: entry points are traced and every failing return
 * names the condition that failed. Each case runs the calls in a child
 * process with the variable set (it is read once, when the platform is
 * created) and reads the child's stderr. */
#include "cl_util.h"
#include "harness.h"

#include <sys/wait.h>
#include <unistd.h>

/* Calls that fail in known ways, then one that succeeds. */
static void failing_calls(void)
{
	cl_device_id dev = hx_test_device(0);
	cl_context ctx = hx_test_context(NULL);
	cl_queue_properties bad[] = {0x7777, 0, 0};
	cl_int err;
	cl_event ev = clCreateUserEvent(ctx, &err);
	char buf[4];

	clCreateCommandQueueWithProperties(ctx, dev, bad, &err);
	clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(buf), buf, NULL);
	clGetDeviceInfo(dev, 0x7777, sizeof(buf), buf, NULL);
	clSetUserEventStatus(ev, CL_SUBMITTED);
	clSetUserEventStatus(ev, CL_COMPLETE);
	clReleaseEvent(ev);
	clReleaseContext(ctx);
}

/* Runs failing_calls() in a child with HMMCL_DEBUG=value (NULL: unset)
 * and returns its stderr, malloc'ed. */
static char *child_stderr(const char *value)
{
	int fds[2], status = 0;
	size_t len = 0, cap = 1 << 16;
	char *out = malloc(cap);
	ssize_t r;
	pid_t pid;

	CHECK(out != NULL);
	CHECK(pipe(fds) == 0);
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		if (value)
			setenv("HMMCL_DEBUG", value, 1);
		else
			unsetenv("HMMCL_DEBUG");
		failing_calls();
		fflush(stderr);
		_exit(0);
	}
	close(fds[1]);
	while ((r = read(fds[0], out + len, cap - 1 - len)) > 0) {
		len += (size_t)r;
		if (len == cap - 1) {
			cap *= 2;
			out = realloc(out, cap);
			CHECK(out != NULL);
		}
	}
	out[len] = '\0';
	close(fds[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return out;
}

/* The line of the trace that contains both a and b, or NULL. */
static const char *line_with(const char *text, const char *a, const char *b)
{
	const char *line = text, *end;
	char buf[1024];
	size_t n;

	while (*line) {
		end = strchr(line, '\n');
		n = end ? (size_t)(end - line) : strlen(line);
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
		if (strstr(buf, a) && strstr(buf, b))
			return line;
		if (!end)
			break;
		line = end + 1;
	}
	return NULL;
}

static void expect_line(const char *text, const char *a, const char *b)
{
	if (!line_with(text, a, b))
		hx_test_fail(__FILE__, __LINE__,
			     "no line with \"%s\" and \"%s\" in:\n%s", a, b,
			     text);
}

TEST(api_traces_failing_conditions)
{
	char *out = child_stderr("api");

	/* Entry points, from the loader's first call on. */
	expect_line(out, "hmmcl[api]", "clIcdGetPlatformIDsKHR");
	expect_line(out, "hmmcl[api]", "clGetDeviceIDs");
	expect_line(out, "hmmcl[api]", "clCreateContext");
	/* Each failure: the function, the code and the condition. */
	expect_line(out, "clCreateCommandQueueWithProperties fails with -30",
		    "unknown queue property");
	expect_line(out, "fails with -30", "param_value_size < size of value");
	expect_line(out, "clGetDeviceInfo fails with -30", "NOT_A_QUERY");
	expect_line(out, "clSetUserEventStatus fails with -30",
		    "execution_status <= CL_COMPLETE");
	free(out);
}

/* A list of areas, api among them. */
TEST(api_in_area_list)
{
	char *out = child_stderr("sched,api,mem");

	expect_line(out, "clSetUserEventStatus fails with", "execution_status");
	free(out);
}

TEST(all_includes_api)
{
	char *out = child_stderr("all");

	expect_line(out, "clSetUserEventStatus fails with", "execution_status");
	free(out);
}

/* Without api in the list, or without the variable, nothing is
 * printed for api. */
TEST(silent_without_api)
{
	char *out = child_stderr(NULL);

	CHECK(strstr(out, "hmmcl[api]") == NULL);
	free(out);
	out = child_stderr("sched");
	CHECK(strstr(out, "hmmcl[api]") == NULL);
	free(out);
	out = child_stderr("apix,bogus");
	CHECK(strstr(out, "hmmcl[api]") == NULL);
	free(out);
}
