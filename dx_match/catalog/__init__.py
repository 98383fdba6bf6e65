"""The catalog: vendors, tools and their plans, subsidies, courses; import and export."""
