/* Rectangles in linear memory: the pitch rules of the *BufferRect calls,
 * the overlap rule of clEnqueueCopyBufferRect, and the row copy. */
#include "mem.h"

#include <string.h>

/* v[2] slices + v[1] rows + v[0] bytes; as an extent (minus one slice
 * and one row) when extent is set. Returns 1 on overflow. */
static int span(const struct hx_rect *r, const size_t v[3], int extent,
		size_t *out)
{
	size_t z, y;

	if (__builtin_mul_overflow(v[2] - extent, r->slice_pitch, &z) ||
	    __builtin_mul_overflow(v[1] - extent, r->row_pitch, &y) ||
	    __builtin_add_overflow(z, y, out) ||
	    __builtin_add_overflow(*out, v[0], out))
		return 1;
	return 0;
}

cl_int hx_rect_resolve(struct hx_rect *r, const size_t region[3], size_t size)
{
	size_t last, end;

	/* A zero row pitch means region[0]; otherwise it must hold a row. */
	if (r->row_pitch == 0)
		r->row_pitch = region[0];
	else if (r->row_pitch < region[0])
		return CL_INVALID_VALUE;
	/* A zero slice pitch means region[1] rows; otherwise it must hold
	 * them and be a multiple of the row pitch. */
	if (r->slice_pitch == 0)
		r->slice_pitch = region[1] * r->row_pitch;
	else if (r->slice_pitch < region[1] * r->row_pitch ||
		 r->slice_pitch % r->row_pitch)
		return CL_INVALID_VALUE;
	if (!size)
		return CL_SUCCESS;
	/* The last byte touched must lie inside the buffer (and no term may
	 * wrap around). */
	if (span(r, r->origin, 0, &last) || span(r, region, 1, &end) ||
	    __builtin_add_overflow(last, end, &last))
		return CL_INVALID_VALUE;
	return last > size ? CL_INVALID_VALUE : CL_SUCCESS;
}

size_t hx_rect_start(const struct hx_rect *r)
{
	return r->origin[2] * r->slice_pitch + r->origin[1] * r->row_pitch +
	       r->origin[0];
}

/* The spec's check_copy_overlap (appendix "Checking for Memory Copy
 * Overlap"), on linear starts so that sub-buffer offsets fold in. */
static int overlap_same_pitch(size_t a, size_t b, const size_t region[3],
			      size_t row, size_t slice)
{
	size_t slice_size = (region[1] - 1) * row + region[0];
	size_t block = (region[2] - 1) * slice + slice_size;
	size_t adx = a % row, bdx = b % row, ady = a % slice, bdy = b % slice;

	if (b + block <= a || a + block <= b)
		return 0;
	if ((bdx >= adx + region[0] && bdx + region[0] <= adx + row) ||
	    (adx >= bdx + region[0] && adx + region[0] <= bdx + row))
		return 0;
	if ((bdy >= ady + slice_size && bdy + slice_size <= ady + slice) ||
	    (ady >= bdy + slice_size && ady + slice_size <= bdy + slice))
		return 0;
	return 1;
}

int hx_rect_overlap(const struct hx_rect *a, size_t a_base,
		    const struct hx_rect *b, size_t b_base,
		    const size_t region[3])
{
	size_t as = a_base + hx_rect_start(a), bs = b_base + hx_rect_start(b);
	size_t ae = as + (region[2] - 1) * a->slice_pitch +
		    (region[1] - 1) * a->row_pitch + region[0];
	size_t be = bs + (region[2] - 1) * b->slice_pitch +
		    (region[1] - 1) * b->row_pitch + region[0];

	if (ae <= bs || be <= as)
		return 0;
	if (a->row_pitch == b->row_pitch && a->slice_pitch == b->slice_pitch)
		return overlap_same_pitch(as, bs, region, a->row_pitch,
					  a->slice_pitch);
	/* Different pitches (two sub-buffers of one buffer): the extents
	 * meet, which is what the overlap rule can know cheaply. */
	return 1;
}

void hx_rect_copy(char *dst, const struct hx_rect *d, const char *src,
		  const struct hx_rect *s, const size_t region[3])
{
	size_t y, z;

	dst += hx_rect_start(d);
	src += hx_rect_start(s);
	if (region[1] == 1 && region[2] == 1) {
		memmove(dst, src, region[0]);
		return;
	}
	for (z = 0; z < region[2]; z++)
		for (y = 0; y < region[1]; y++)
			memmove(dst + z * d->slice_pitch + y * d->row_pitch,
				src + z * s->slice_pitch + y * s->row_pitch,
				region[0]);
}
