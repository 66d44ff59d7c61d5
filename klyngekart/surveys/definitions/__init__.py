"""Survey definitions: the builder (services, forms, views and URLs), versions, the ready templates,
and XLSForm import and export. The first part of the survey engine's flow: definitions -> rounds ->
answering -> results."""
