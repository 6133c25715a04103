// libxml2's API for the CLibXML2 module.
// xmlversion.h comes first so that ICU can be switched off before any other libxml2 header:
// Debian's headers pull in ICU, whose types clash with Foundation's copy on a clean build.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
#include <libxml/HTMLparser.h>

// xmlFree is a global function pointer, which Swift 6 strict concurrency rejects.
static inline void jl_xml_free(void *pointer) { xmlFree(pointer); }
