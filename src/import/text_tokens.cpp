// Placeholder translation unit so the importer library has a source while it is built up.
// (Replaced by the importer sources; see spec/import.md.)
namespace clawvm::import_detail {
int library_anchor() { return 0; }
}  // namespace clawvm::import_detail
