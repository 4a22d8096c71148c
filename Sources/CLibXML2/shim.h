// Debian's libxml2 is built with ICU, so its encoding.h includes the system's <unicode/*.h>, whose
// UErrorCode clashes with the ICU bundled in Swift's Foundation ("has different definitions in
// different modules"). We never touch the ICU converter fields: xmlCharEncodingHandler is only reached
// through pointers, so leaving them out of the declarations does not change any layout we use.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
