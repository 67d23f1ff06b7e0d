//! Public pages are rate-limited per client address.

use super::*;

#[tokio::test]
async fn public_pages_are_rate_limited_per_client() {
    let config = WebConfig {
        rate: PublicRateLimit {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(3).unwrap(),
        },
        ..WebConfig::default()
    };
    let t = WebTest::start_with(Backend::Sqlite, None, config).await;
    for _ in 0..3 {
        let response = t.client.get(t.url("/subscribe?lang=en")).fetch().await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let response = t.client.get(t.url("/subscribe?lang=en")).fetch().await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body = response.text().await.unwrap();
    assert!(body.contains("Too many attempts"), "{body}");
    // The log-in form shares the allowance; the API and health checks do not.
    let response = t.client.get(t.url("/login")).fetch().await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let response = t.client.get(t.url("/healthz")).fetch().await;
    assert_eq!(response.status(), StatusCode::OK);
    let (status, _) = t.get("/api/lists").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn rate_limits_are_per_client_address() {
    let config = WebConfig {
        rate: PublicRateLimit {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(2).unwrap(),
        },
        ..WebConfig::default()
    };
    let t = WebTest::start_with(Backend::Sqlite, None, config).await;
    // Two clients on the loopback network: 127.0.0.1 and 127.0.0.2.
    let client = |address: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(address))
            .build()
            .unwrap()
    };
    let (first, second) = (client([127, 0, 0, 1]), client([127, 0, 0, 2]));
    let status = |client: &reqwest::Client| {
        let request = client.get(t.url("/subscribe")).send();
        async move { request.await.unwrap().status() }
    };
    assert_eq!(status(&first).await, StatusCode::OK);
    assert_eq!(status(&first).await, StatusCode::OK);
    assert_eq!(status(&first).await, StatusCode::TOO_MANY_REQUESTS);
    // The other client still has its whole allowance.
    assert_eq!(status(&second).await, StatusCode::OK);
    assert_eq!(status(&second).await, StatusCode::OK);
    assert_eq!(status(&second).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(status(&first).await, StatusCode::TOO_MANY_REQUESTS);
}
