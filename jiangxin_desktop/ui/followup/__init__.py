"""待回访 and 就业服务: follow-up calls falling due and the services owed to unemployed people."""
