/* clGetSVMStatisticsHMM (cl_hmm_svm_statistics): the device's mirror and
 * migration counters; the counting itself is the SVM manager's. */
#include "api.h"

#include "../core/svm.h"

#include <CL/cl_ext_hmm.h>

CL_API_ENTRY cl_int CL_API_CALL
clGetSVMStatisticsHMM(cl_device_id device, size_t size,
		      cl_svm_statistics_hmm *stats, size_t *size_ret)
{
	cl_svm_statistics_hmm s;

	HX_API_ENTER();
	/* CL_INVALID_DEVICE if device is not a valid device. */
	HX_CHECK(hx_device_valid(device), CL_INVALID_DEVICE);
	/* CL_INVALID_VALUE if stats is NULL while size is not 0, if size is
	 * 0 while stats is not NULL, or if nothing is asked at all. */
	HX_CHECK(!stats == !size, CL_INVALID_VALUE);
	HX_CHECK(stats || size_ret, CL_INVALID_VALUE);
	if (stats) {
		hx_svm_statistics(device, &s);
		/* A smaller (older) struct gets the leading fields. */
		memcpy(stats, &s, size < sizeof(s) ? size : sizeof(s));
	}
	if (size_ret)
		*size_ret = sizeof(s);
	HX_API_EXIT();
}
