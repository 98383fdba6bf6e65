"""Anonymous catalog pages rendered once per catalog state: the catalog token and the page cache."""
