"""newsqual: tell original news reporting from low-quality syndication and spam."""
