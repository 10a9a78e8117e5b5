"""Public pages, by family: points (and the ways to find them), articles, and the site's own
pages. Each view picks its rows through the models' named querysets, so what readers may see is
decided in one place (`published()` / `viewable_by()`)."""
