from crawler.mirror.server import main

raise SystemExit(main())
