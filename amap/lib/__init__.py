"""Cross-cutting helpers that know no domain."""
