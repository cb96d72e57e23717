/* clEnqueueReadBufferRect / WriteBufferRect / CopyBufferRect: every pitch
 * rule and default, data checked byte for byte against a reference. */
#include "mem_util.h"

#define SZ 8192

/* The reference: copies region between two rectangles. */
static void ref_copy(unsigned char *dst, const size_t *dorg, size_t drow,
		     size_t dslice, const unsigned char *src,
		     const size_t *sorg, size_t srow, size_t sslice,
		     const size_t *region)
{
	size_t x, y, z;

	for (z = 0; z < region[2]; z++)
		for (y = 0; y < region[1]; y++)
			for (x = 0; x < region[0]; x++)
				dst[(dorg[2] + z) * dslice +
				    (dorg[1] + y) * drow + dorg[0] + x] =
				    src[(sorg[2] + z) * sslice +
					(sorg[1] + y) * srow + sorg[0] + x];
}

struct rect_case {
	size_t borg[3], horg[3], region[3];
	size_t brow, bslice, hrow, hslice;
};

static const struct rect_case cases[] = {
    /* explicit pitches, 3D */
    {{3, 2, 1}, {1, 1, 0}, {10, 4, 3}, 20, 100, 16, 80},
    /* zero pitches take their defaults */
    {{0, 0, 0}, {0, 0, 0}, {7, 5, 2}, 0, 0, 0, 0},
    {{5, 1, 0}, {2, 0, 1}, {7, 5, 2}, 16, 0, 12, 0},
    /* 1D and 2D shapes */
    {{100, 0, 0}, {9, 0, 0}, {50, 1, 1}, 0, 0, 0, 0},
    {{4, 7, 0}, {0, 3, 0}, {32, 9, 1}, 64, 0, 40, 0},
};

static size_t dflt(size_t pitch, size_t v)
{
	return pitch ? pitch : v;
}

TEST(write_then_read)
{
	struct env e = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, SZ, NULL);
	unsigned char *host = malloc(SZ), *ref = malloc(SZ), *got = malloc(SZ);
	unsigned c;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct rect_case *k = &cases[c];
		size_t brow = dflt(k->brow, k->region[0]);
		size_t bslice = dflt(k->bslice, k->region[1] * brow);
		size_t hrow = dflt(k->hrow, k->region[0]);
		size_t hslice = dflt(k->hslice, k->region[1] * hrow);

		pattern_bytes(ref, SZ, c);
		CHECK_CL(
		    clEnqueueWriteBuffer(e.q, m, 1, 0, SZ, ref, 0, NULL, NULL));
		pattern_bytes(host, SZ, 50 + c);
		CHECK_CL(clEnqueueWriteBufferRect(
		    e.q, m, CL_TRUE, k->borg, k->horg, k->region, k->brow,
		    k->bslice, k->hrow, k->hslice, host, 0, NULL, NULL));
		ref_copy(ref, k->borg, brow, bslice, host, k->horg, hrow,
			 hslice, k->region);
		read_all(e.q, m, got, SZ);
		check_bytes(got, ref, SZ);
		/* Read it back into a fresh host image. */
		memset(got, 0x11, SZ);
		memset(host, 0x11, SZ);
		CHECK_CL(clEnqueueReadBufferRect(
		    e.q, m, CL_TRUE, k->borg, k->horg, k->region, k->brow,
		    k->bslice, k->hrow, k->hslice, got, 0, NULL, NULL));
		ref_copy(host, k->horg, hrow, hslice, ref, k->borg, brow,
			 bslice, k->region);
		check_bytes(got, host, SZ);
	}
	CHECK_CL(clReleaseMemObject(m));
	free(host);
	free(ref);
	free(got);
	env_free(&e);
}

TEST(copy_rect)
{
	struct env e = env_new(0);
	cl_mem a = new_buffer(e.ctx, 0, SZ, NULL),
	       b = new_buffer(e.ctx, 0, SZ, NULL);
	unsigned char *ra = malloc(SZ), *rb = malloc(SZ), *got = malloc(SZ);
	size_t so[3] = {3, 2, 1}, d_o[3] = {1, 4, 2}, region[3] = {9, 5, 3};
	size_t zero[3] = {0, 0, 0}, r2[3] = {8, 4, 1}, d2[3] = {16, 0, 0};
	cl_command_type type = 0;
	cl_event ev;

	pattern_bytes(ra, SZ, 1);
	pattern_bytes(rb, SZ, 2);
	CHECK_CL(clEnqueueWriteBuffer(e.q, a, 0, 0, SZ, ra, 0, NULL, NULL));
	CHECK_CL(clEnqueueWriteBuffer(e.q, b, 0, 0, SZ, rb, 0, NULL, NULL));
	CHECK_CL(clEnqueueCopyBufferRect(e.q, a, b, so, d_o, region, 16, 128,
					 24, 240, 0, NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(type), &type,
				NULL));
	CHECK_EQ(type, CL_COMMAND_COPY_BUFFER_RECT);
	CHECK_CL(clReleaseEvent(ev));
	ref_copy(rb, d_o, 24, 240, ra, so, 16, 128, region);
	read_all(e.q, b, got, SZ);
	check_bytes(got, rb, SZ);
	/* Default pitches, and two disjoint rectangles of one buffer with
	 * the same pitches: rows [0, 8) and [16, 24) of 32-byte rows. */
	CHECK_CL(clEnqueueCopyBufferRect(e.q, a, b, zero, zero, region, 0, 0, 0,
					 0, 0, NULL, NULL));
	ref_copy(rb, zero, 9, 45, ra, zero, 9, 45, region);
	read_all(e.q, b, got, SZ);
	check_bytes(got, rb, SZ);
	CHECK_CL(clEnqueueCopyBufferRect(e.q, a, a, zero, d2, r2, 32, 128, 32,
					 128, 0, NULL, NULL));
	ref_copy(ra, d2, 32, 128, ra, zero, 32, 128, r2);
	read_all(e.q, a, got, SZ);
	check_bytes(got, ra, SZ);
	CHECK_CL(clReleaseMemObject(a));
	CHECK_CL(clReleaseMemObject(b));
	free(ra);
	free(rb);
	free(got);
	env_free(&e);
}

TEST(rect_errors)
{
	struct env e = env_new(0), o = env_new(0);
	cl_mem m = new_buffer(e.ctx, 0, 1024, NULL),
	       other = new_buffer(o.ctx, 0, 64, NULL);
	size_t org[3] = {0, 0, 0}, region[3] = {8, 4, 2}, zr[3] = {8, 0, 2};
	size_t far[3] = {0, 0, 40};
	unsigned char host[4096];

#define RD(q, mem, bo, ho, rg, br, bs, hr, hs, p)                              \
	clEnqueueReadBufferRect(q, mem, 1, bo, ho, rg, br, bs, hr, hs, p, 0,   \
				NULL, NULL)
#define WR(q, mem, bo, ho, rg, br, bs, hr, hs, p)                              \
	clEnqueueWriteBufferRect(q, mem, 1, bo, ho, rg, br, bs, hr, hs, p, 0,  \
				 NULL, NULL)
	CHECK_CL(RD(e.q, m, org, org, region, 0, 0, 0, 0, host));
	CHECK_ERR(RD(NULL, m, org, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(WR(e.q, NULL, org, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(
	    RD(e.q, dead_buffer(e.ctx), org, org, region, 0, 0, 0, 0, host),
	    CL_INVALID_MEM_OBJECT);
	CHECK_ERR(RD(e.q, other, org, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_CONTEXT);
	/* NULL pointers and a zero region element. */
	CHECK_ERR(RD(e.q, m, NULL, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_VALUE);
	CHECK_ERR(WR(e.q, m, org, NULL, region, 0, 0, 0, 0, host),
		  CL_INVALID_VALUE);
	CHECK_ERR(RD(e.q, m, org, org, NULL, 0, 0, 0, 0, host),
		  CL_INVALID_VALUE);
	CHECK_ERR(WR(e.q, m, org, org, region, 0, 0, 0, 0, NULL),
		  CL_INVALID_VALUE);
	CHECK_ERR(RD(e.q, m, org, org, zr, 0, 0, 0, 0, host), CL_INVALID_VALUE);
	/* Buffer pitches: row < region[0], slice < region[1] * row, slice
	 * not a multiple of row. */
	CHECK_ERR(RD(e.q, m, org, org, region, 7, 0, 0, 0, host),
		  CL_INVALID_VALUE);
	CHECK_ERR(RD(e.q, m, org, org, region, 10, 39, 0, 0, host),
		  CL_INVALID_VALUE);
	CHECK_ERR(WR(e.q, m, org, org, region, 10, 45, 0, 0, host),
		  CL_INVALID_VALUE);
	/* The same for host pitches. */
	CHECK_ERR(RD(e.q, m, org, org, region, 0, 0, 7, 0, host),
		  CL_INVALID_VALUE);
	CHECK_ERR(WR(e.q, m, org, org, region, 0, 0, 10, 39, host),
		  CL_INVALID_VALUE);
	CHECK_ERR(RD(e.q, m, org, org, region, 0, 0, 10, 45, host),
		  CL_INVALID_VALUE);
	/* Out of bounds: slice 40 of 32 bytes > 1024; the last byte one
	 * past the end; a huge origin that wraps. */
	CHECK_ERR(RD(e.q, m, far, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_VALUE);
	{
		size_t o2[3] = {1, 0, 0}, r2[3] = {1024, 1, 1};
		size_t huge[3] = {0, SIZE_MAX / 2, 0};

		CHECK_CL(RD(e.q, m, org, org, r2, 0, 0, 0, 0, host));
		CHECK_ERR(RD(e.q, m, o2, org, r2, 0, 0, 0, 0, host),
			  CL_INVALID_VALUE);
		CHECK_ERR(WR(e.q, m, huge, org, region, 0, 0, 0, 0, host),
			  CL_INVALID_VALUE);
	}
	CHECK_ERR(clEnqueueReadBufferRect(e.q, m, 1, org, org, region, 0, 0, 0,
					  0, host, 1, NULL, NULL),
		  CL_INVALID_EVENT_WAIT_LIST);
	CHECK_CL(clReleaseMemObject(m));
	CHECK_CL(clReleaseMemObject(other));
	env_free(&e);
	env_free(&o);
}

TEST(copy_rect_errors)
{
	struct env e = env_new(0), o = env_new(0);
	cl_mem a = new_buffer(e.ctx, 0, 4096, NULL),
	       other = new_buffer(o.ctx, 0, 4096, NULL);
	size_t org[3] = {0, 0, 0}, region[3] = {8, 4, 2}, zr[3] = {0, 4, 2};
	size_t near[3] = {4, 1, 0}, far[3] = {0, 0, 100};
	cl_buffer_region r1 = {0, 2048}, r2 = {1024, 2048};
	cl_mem s1 =
	    clCreateSubBuffer(a, 0, CL_BUFFER_CREATE_TYPE_REGION, &r1, NULL);
	cl_mem s2 =
	    clCreateSubBuffer(a, 0, CL_BUFFER_CREATE_TYPE_REGION, &r2, NULL);
	size_t s1o[3] = {0, 0, 1}, s2o[3] = {0, 0, 0}, flat[3] = {8, 4, 1};

#define CP(q, s, d, so, d_o, rg, sr, ss, dr, ds)                               \
	clEnqueueCopyBufferRect(q, s, d, so, d_o, rg, sr, ss, dr, ds, 0, NULL, \
				NULL)
	CHECK_ERR(CP(NULL, a, a, org, far, region, 0, 0, 0, 0),
		  CL_INVALID_COMMAND_QUEUE);
	CHECK_ERR(CP(e.q, NULL, a, org, org, region, 0, 0, 0, 0),
		  CL_INVALID_MEM_OBJECT);
	CHECK_ERR(CP(e.q, a, other, org, org, region, 0, 0, 0, 0),
		  CL_INVALID_CONTEXT);
	CHECK_ERR(CP(e.q, a, a, NULL, org, region, 0, 0, 0, 0),
		  CL_INVALID_VALUE);
	CHECK_ERR(CP(e.q, a, a, org, far, zr, 0, 0, 0, 0), CL_INVALID_VALUE);
	CHECK_ERR(CP(e.q, a, a, org, far, region, 4, 0, 0, 0),
		  CL_INVALID_VALUE);
	CHECK_ERR(CP(e.q, a, a, org, far, region, 0, 0, 16, 17),
		  CL_INVALID_VALUE);
	CHECK_ERR(CP(e.q, a, a, org, far, region, 0, 0, 1024, 4096),
		  CL_INVALID_VALUE);
	/* One buffer, both pitches differ. */
	CHECK_ERR(CP(e.q, a, a, org, far, region, 16, 64, 32, 128),
		  CL_INVALID_VALUE);
	/* Overlap in one buffer and in two sub-buffers of one buffer:
	 * s1 slice 1 (bytes 1024..) is s2 slice 0. */
	CHECK_ERR(CP(e.q, a, a, org, near, region, 16, 64, 16, 64),
		  CL_MEM_COPY_OVERLAP);
	CHECK_ERR(CP(e.q, s1, s2, s1o, s2o, flat, 16, 1024, 16, 1024),
		  CL_MEM_COPY_OVERLAP);
	/* Interleaved rows of one buffer do not overlap. */
	{
		size_t x8[3] = {8, 0, 0};

		CHECK_CL(CP(e.q, a, a, org, x8, region, 16, 64, 16, 64));
	}
	CHECK_CL(clReleaseMemObject(s1));
	CHECK_CL(clReleaseMemObject(s2));
	CHECK_CL(clReleaseMemObject(a));
	CHECK_CL(clReleaseMemObject(other));
	env_free(&e);
	env_free(&o);
}

TEST(rect_host_access)
{
	struct env e = env_new(0);
	cl_mem wo = new_buffer(e.ctx, CL_MEM_HOST_WRITE_ONLY, 256, NULL);
	cl_mem ro = new_buffer(e.ctx, CL_MEM_HOST_READ_ONLY, 256, NULL);
	cl_mem na = new_buffer(e.ctx, CL_MEM_HOST_NO_ACCESS, 256, NULL);
	size_t org[3] = {0, 0, 0}, region[3] = {4, 4, 1};
	unsigned char host[256] = {0};

	CHECK_CL(WR(e.q, wo, org, org, region, 0, 0, 0, 0, host));
	CHECK_ERR(RD(e.q, wo, org, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_OPERATION);
	CHECK_CL(RD(e.q, ro, org, org, region, 0, 0, 0, 0, host));
	CHECK_ERR(WR(e.q, ro, org, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_OPERATION);
	CHECK_ERR(RD(e.q, na, org, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_OPERATION);
	CHECK_ERR(WR(e.q, na, org, org, region, 0, 0, 0, 0, host),
		  CL_INVALID_OPERATION);
	CHECK_CL(CP(e.q, wo, na, org, org, region, 0, 0, 0, 0));
	CHECK_CL(clReleaseMemObject(wo));
	CHECK_CL(clReleaseMemObject(ro));
	CHECK_CL(clReleaseMemObject(na));
	env_free(&e);
}

TEST(rect_on_sub_buffers_and_host_memory)
{
	struct env e = env_new(0);
	unsigned char *host = malloc(SZ), *ref = malloc(SZ), *got = malloc(SZ);
	cl_mem u, s1, s2;
	cl_buffer_region r1 = {0, 2048}, r2 = {4096, 2048};
	size_t so[3] = {1, 2, 0}, d_o[3] = {3, 0, 1}, region[3] = {13, 6, 2};
	unsigned char src[512];
	size_t zero[3] = {0, 0, 0};

	pattern_bytes(host, SZ, 7);
	memcpy(ref, host, SZ);
	/* A USE_HOST_PTR buffer: the rect write lands in host memory. */
	u = new_buffer(e.ctx, CL_MEM_USE_HOST_PTR, SZ, host);
	pattern_bytes(src, sizeof(src), 8);
	CHECK_CL(clEnqueueWriteBufferRect(e.q, u, CL_TRUE, d_o, zero, region,
					  32, 256, 0, 0, src, 0, NULL, NULL));
	ref_copy(ref, d_o, 32, 256, src, zero, 13, 78, region);
	check_bytes(host, ref, SZ);
	/* Between two sub-buffers of it: offsets are the sub-buffers'. */
	s1 = clCreateSubBuffer(u, 0, CL_BUFFER_CREATE_TYPE_REGION, &r1, NULL);
	s2 = clCreateSubBuffer(u, 0, CL_BUFFER_CREATE_TYPE_REGION, &r2, NULL);
	CHECK(s1 && s2);
	CHECK_CL(clEnqueueCopyBufferRect(e.q, s1, s2, so, d_o, region, 64, 512,
					 32, 256, 0, NULL, NULL));
	CHECK_CL(clFinish(e.q));
	ref_copy(ref + 4096, d_o, 32, 256, ref, so, 64, 512, region);
	check_bytes(host, ref, SZ);
	CHECK_CL(clEnqueueReadBufferRect(e.q, s2, CL_TRUE, d_o, zero, region,
					 32, 256, 0, 0, got, 0, NULL, NULL));
	memset(src, 0, sizeof(src));
	ref_copy(src, zero, 13, 78, ref + 4096, d_o, 32, 256, region);
	check_bytes(got, src, 13 * 6 * 2);
	CHECK_CL(clReleaseMemObject(s1));
	CHECK_CL(clReleaseMemObject(s2));
	CHECK_CL(clReleaseMemObject(u));
	free(host);
	free(ref);
	free(got);
	env_free(&e);
}
