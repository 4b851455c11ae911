"""Plans: the plan van aanpak per leefgebied in versions, partner commitments, ITAT review and
approval (accordering), evaluations and the ITAT-Expertgroep."""
