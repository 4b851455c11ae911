"""Cases: persons, programmes, offence records, the case lifecycle, the basisdossier, the case
team and outflow, with need-to-know access (one visible-queryset), history and the access log."""
