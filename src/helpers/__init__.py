"""helpers: parsers and tidy tables for the 新潟市南区 地域福祉計画 progress-evaluation reports."""
