/* hmmcl's OpenCL extensions. Entry points are obtained with
 * clGetExtensionFunctionAddressForPlatform(platform, "name"). */
#ifndef CL_EXT_HMM_H
#define CL_EXT_HMM_H

#include <CL/cl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The platform's ICD suffix. */
#define CL_HMM_ICD_SUFFIX "HMM"

#ifdef __cplusplus
}
#endif

#endif
